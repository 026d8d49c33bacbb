/*
 * What the agent keeps in the secure element / flash, over the HAL's named blobs:
 *
 *   "hm.meta"    the device key (private key DER), its algorithm, the lock flag and
 *                which chain slot holds the committed chain (0 = none);
 *   "hm.chain1"  chain slot 1 (concatenated DER certificates)
 *   "hm.chain2"  chain slot 2
 *
 * A chain is committed by writing it to the slot not in use, then saving the meta that
 * names it: each save is atomic (HAL contract), so a reset at any moment leaves either
 * the old chain or the new one committed, never a half-written one. A new key is saved
 * with "no chain" in the same meta write, so a key and a chain of another key are never
 * stored together.
 */
#ifndef HM_STORE_H
#define HM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "hm_errors.h"
#include "hm_limits.h"

typedef enum { HM_ALG_NONE = 0, HM_ALG_P256 = 1, HM_ALG_P384 = 2, HM_ALG_RSA2048 = 3 } hm_alg;

typedef struct {
    uint8_t locked;
    uint8_t alg;         /* hm_alg; HM_ALG_NONE: blank */
    uint8_t active_slot; /* 0 none, 1 or 2 */
    size_t key_len;
    uint8_t key_der[HM_MAX_KEY_DER];
} hm_meta;

#define HM_BLOB_META "hm.meta"
#define HM_BLOB_CHAIN1 "hm.chain1"
#define HM_BLOB_CHAIN2 "hm.chain2"

/** A blank device's meta. */
void hm_meta_blank(hm_meta *meta);

/** Loads the meta; a device that never saved one is blank. HM_OK or HM_E_STORAGE (unreadable, malformed). */
hm_status hm_store_load_meta(hm_meta *meta);

/** HM_OK or HM_E_STORAGE. */
hm_status hm_store_save_meta(const hm_meta *meta);

/** Reads the committed chain back from storage: HM_OK, HM_E_NO_CHAIN, HM_E_STORAGE. */
hm_status hm_store_load_chain(const hm_meta *meta, uint8_t *buf, size_t cap, size_t *len);

/**
 * Commits a chain: writes the free slot, then a meta naming it. On HM_E_STORAGE the
 * previously committed chain (if any) is still the committed one and `meta` is unchanged.
 */
hm_status hm_store_commit_chain(hm_meta *meta, const uint8_t *chain, size_t len);

/** "blank" | "keyed" | "provisioned" | "locked": the state IDENT reports for a meta */
const char *hm_state_name(const hm_meta *meta);

/** Wipes key material from a meta held in RAM. */
void hm_meta_wipe(hm_meta *meta);

#endif
