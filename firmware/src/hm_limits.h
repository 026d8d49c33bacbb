/* The numbers of docs/device-protocol.md, version 1, and this agent's build constants. */
#ifndef HM_LIMITS_H
#define HM_LIMITS_H

#define HM_PROTOCOL_VERSION "1"

/** The firmware version IDENT and +BOOT report; the Makefile may override it. */
#ifndef HM_FW_VERSION
#define HM_FW_VERSION "0.9.0-ref"
/** Matter mode (docs/device-protocol.md §8): the factory record and the Certification Declaration in it. */
#define HM_MATTER_MAX_CD 2048
#define HM_MATTER_VERIFIER_BYTES 97
#define HM_MATTER_MAX_RECORD (14 + 1 + 32 + HM_MATTER_VERIFIER_BYTES + 1 + 32 + 2 + HM_MATTER_MAX_CD)

#endif

/** A line may be 1024 bytes including CR LF: at most 1022 bytes of text. */
#define HM_LINE_BYTES 1024
#define HM_LINE_MAX_TEXT (HM_LINE_BYTES - 2)

/** Base64 characters per +CSR: and HM+CHAIN=DATA chunk (384 bytes of payload). */
#define HM_CHUNK_CHARS 512
#define HM_CHUNK_BYTES 384
#define HM_MAX_CSR_CHUNKS 16

#define HM_MAX_CHAIN_BYTES 8192
#define HM_MAX_SUBJECT_BYTES 512
#define HM_NONCE_MIN_HEX 32
#define HM_NONCE_MAX_HEX 64
#define HM_SYNC_MAX 32

/** model and serial as IDENT reports them */
#define HM_MAX_IDENT_VALUE 64

/** The largest private key DER this agent stores (RSA-2048 is about 1.2 KB). */
#define HM_MAX_KEY_DER 1700

/** CSR DER bound: subject 512 + SPKI (RSA-2048: 294) + attribute + signature (RSA: 256) + headers */
#define HM_MAX_CSR_DER 1400

/** Matter mode (docs/device-protocol.md §8): the factory record and the Certification Declaration in it. */
#define HM_MATTER_MAX_CD 2048
#define HM_MATTER_VERIFIER_BYTES 97
#define HM_MATTER_MAX_RECORD (14 + 1 + 32 + HM_MATTER_VERIFIER_BYTES + 1 + 32 + 2 + HM_MATTER_MAX_CD)

#endif
