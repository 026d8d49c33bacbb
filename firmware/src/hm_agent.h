/*
 * The device side of the Hallmark protocol (docs/device-protocol.md): one agent, fed
 * bytes from the link, answering through the HAL. Everything it keeps is in this
 * struct (about 20 KB: two 8 KiB chain buffers and the line buffer), so a board can
 * place it statically; mbedTLS allocates a few KB more on its heap while signing or
 * verifying.
 */
#ifndef HM_AGENT_H
#define HM_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/x509_crt.h>

#include "hm_errors.h"
#include "hm_key.h"
#include "hm_limits.h"
#include "hm_line.h"
#include "hm_rng.h"
#include "hm_matter.h"
#include "hm_store.h"

typedef struct {
    /** product model and hardware serial (label), as IDENT reports them */
    const char *model;
    const char *serial;
    /** the trust root compiled into the firmware: PEM (NUL-terminated, length with the NUL) or DER; NULL refuses every chain */
    const uint8_t *trust;
    size_t trust_len;
    /** the key algorithms this device's secure element makes (HM_ALG_BIT mask); 0: all */
    unsigned algs;
    /** Matter mode: takes a factory record (HM+MATTER), reports matter=1, locks only with one stored */
    int matter;
} hm_config;

typedef enum { HM_XFER_CHAIN = 0, HM_XFER_MATTER = 1 } hm_xfer_kind;

typedef struct {
    int active;
    hm_xfer_kind kind;
    size_t total;
    uint8_t sha256[32];
    unsigned next_seq;
    size_t received;
    uint8_t buf[HM_MAX_CHAIN_BYTES];
} hm_transfer;

typedef struct {
    hm_config cfg;
    hm_line line;
    hm_rng rng;
    hm_key key;
    hm_key spare; /* a key being generated, until it is stored */
    hm_meta meta; /* what storage holds (updated only after a successful save) */
    int store_ok; /* 0: the store could not be read at boot: every command but SYNC answers STORAGE */
    hm_transfer xfer;
    hm_matter matter; /* Matter mode: the stored factory record's digests */
    mbedtls_x509_crt trust;
    int trust_ok;
    int link_lost;
    uint8_t scratch[HM_MAX_CHAIN_BYTES];
} hm_agent;

/** A model or serial IDENT can carry: 1–64 printable characters, none of `,` `=`. */
int hm_ident_value_ok(const char *value);

/**
 * Loads the key and state from storage, seeds the DRBG, parses the trust root.
 * HM_OK; HM_E_INTERNAL when the configuration is unusable (bad model/serial/trust root,
 * no entropy). A store that cannot be read is not an init failure: the device then
 * answers STORAGE, as a board with a failed flash would.
 */
hm_status hm_agent_init(hm_agent *agent, const hm_config *config);
void hm_agent_free(hm_agent *agent);

/** Sends the boot banner `+BOOT: model=…,fw=…,proto=1`. */
void hm_agent_boot(hm_agent *agent);

/** Feeds bytes from the link; complete lines are answered at once. */
void hm_agent_input(hm_agent *agent, const uint8_t *bytes, size_t len);

/** Handles one complete command line (no CR LF). */
void hm_agent_handle_line(hm_agent *agent, char *line);

/** Boots and serves until the link is gone (hal_stream_read < 0). */
void hm_agent_run(hm_agent *agent);

/* ---- for the command handlers ---- */

/** Sends one line and CR LF. */
void hm_agent_send(hm_agent *agent, const char *line);
void hm_agent_logf(hm_agent *agent, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

hm_status hm_cmd_ident(hm_agent *agent, char *arg);
hm_status hm_cmd_sync(hm_agent *agent, char *arg);
hm_status hm_cmd_keygen(hm_agent *agent, char *arg);
hm_status hm_cmd_csr(hm_agent *agent, char *arg);
hm_status hm_cmd_chain(hm_agent *agent, char *arg);
hm_status hm_cmd_readback(hm_agent *agent, char *arg);
hm_status hm_cmd_lock(hm_agent *agent, char *arg);
hm_status hm_cmd_matter(hm_agent *agent, char *arg);
hm_status hm_cmd_matter_query(hm_agent *agent, char *arg);

/**
 * The transfer framing HM+CHAIN and HM+MATTER share: BEGIN,<length>,<sha256> (at most
 * `max` bytes; discards any unfinished transfer of either kind) and DATA,<seq>,<b64>.
 * END is each command's own; hm_transfer_end checks the length and digest.
 */
hm_status hm_transfer_begin(hm_transfer *x, hm_xfer_kind kind, size_t max, char **rest, int n);
hm_status hm_transfer_data(hm_transfer *x, hm_xfer_kind kind, char **rest, int n);
hm_status hm_transfer_end(hm_transfer *x, hm_xfer_kind kind, int n);

/** Splits `s` in place at `sep`: up to `max` parts; returns the count (max + 1 when there are more). */
int hm_split(char *s, char sep, char **parts, int max);

#endif
