/*
 * Matter mode: the factory record the station writes with HM+MATTER (docs/device-protocol.md
 * §8), stored whole and atomically in the blob "hm.matter":
 *
 *   "HMF1"  passcode u32  discriminator u16  iterations u32   (big-endian)
 *   saltLen u8  salt (16–32)  verifier (97: w0 ‖ L)
 *   uidLen u8  rotating-ID unique ID (16–32)  cdLen u16  Certification Declaration (1–2048)
 *
 * The DAC and the PAI are the first two certificates of the chain HM+CHAIN stored; the
 * record holds the rest of what a commissioner asks a device for.
 */
#ifndef HM_MATTER_H
#define HM_MATTER_H

#include <stddef.h>
#include <stdint.h>

#include "hm_errors.h"
#include "hm_limits.h"

#define HM_BLOB_MATTER "hm.matter"

/** The parts of a record, pointing into its bytes. */
typedef struct {
    uint32_t passcode;
    uint16_t discriminator;
    uint32_t iterations;
    const uint8_t *salt;
    size_t salt_len;
    const uint8_t *verifier;
    const uint8_t *unique_id;
    size_t unique_id_len;
    const uint8_t *cd;
    size_t cd_len;
} hm_matter_record;

/** What the agent keeps in RAM of the stored record: whether there is one, and its digests. */
typedef struct {
    int present;
    uint8_t record_sha256[32];
    uint8_t verifier_sha256[32];
} hm_matter;

/** HM_OK with `out` filled when `buf` is exactly one well-formed record (a valid passcode, 12-bit discriminator, 1,000–100,000 iterations); else HM_E_BAD_RECORD. */
hm_status hm_matter_parse(const uint8_t *buf, size_t len, hm_matter_record *out);

/** Reads the stored record's digests: HM_OK (present or not), HM_E_STORAGE when it is unreadable or malformed. */
hm_status hm_matter_load(hm_matter *m, uint8_t *scratch, size_t cap);

/** Checks and stores a record atomically, then its digests: HM_OK, HM_E_BAD_RECORD, HM_E_STORAGE. */
hm_status hm_matter_commit(hm_matter *m, const uint8_t *record, size_t len);

#endif
