/* A test PKI made with mbedtls_x509write_crt: a root, a manufacturing CA under it, and an unrelated root. */
#ifndef TEST_PKI_H
#define TEST_PKI_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/pk.h>

#include "hm_rng.h"

typedef enum {
    CHAIN_GOOD,        /* leaf (device key) + mfg + root */
    CHAIN_NO_ROOT,     /* leaf + mfg: the root comes from the trust store */
    CHAIN_LEAF_ONLY,   /* leaf alone: no path to the root */
    CHAIN_WRONG_KEY,   /* leaf for another key + mfg + root */
    CHAIN_OTHER_ROOT,  /* leaf + CA under the unrelated root + that root */
    CHAIN_EXPIRED,     /* leaf valid 2001-2002 + mfg + root */
    CHAIN_NOT_A_CA,    /* leaf issued by an end-entity certificate (basicConstraints CA:FALSE) */
    CHAIN_BAD_SIG,     /* leaf with one signature byte flipped + mfg + root */
    CHAIN_GARBAGE,     /* a DER SEQUENCE that is not a certificate */
    CHAIN_TRAILING     /* good chain + one stray byte */
} chain_variant;

typedef struct {
    hm_rng rng;
    mbedtls_pk_context root_key, mfg_key, other_key, other_ca_key, ee_key, stranger_key;
    uint8_t root[1024], mfg[1024], other[1024], other_ca[1024], ee[1024];
    size_t root_len, mfg_len, other_len, other_ca_len, ee_len;
} test_pki;

int test_pki_init(test_pki *pki);
void test_pki_free(test_pki *pki);

/** The chain for `device` (its public key) in a variant: 0, or -1. */
int test_pki_chain(test_pki *pki, mbedtls_pk_context *device, chain_variant v, uint8_t *out, size_t cap, size_t *len);

/** Variant by name ("good", "no-root", …); -1 if unknown. */
int test_pki_variant(const char *name);

#endif
