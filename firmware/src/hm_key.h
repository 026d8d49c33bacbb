/*
 * The device key: generated with mbedtls_pk (ECDSA P-256 / P-384, RSA-2048), kept as a
 * private-key DER blob in the store (which stands for the secure element), used to sign
 * the CSR and to authenticate in TLS.
 */
#ifndef HM_KEY_H
#define HM_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/pk.h>

#include "hm_errors.h"
#include "hm_store.h"

typedef struct {
    mbedtls_pk_context pk;
    hm_alg alg;
    int present;
    uint8_t spki_sha256[32];
} hm_key;

/** Which algorithms this build's "secure element" makes (bit per hm_alg). */
#define HM_ALG_BIT(a) (1u << (a))
#define HM_ALGS_ALL (HM_ALG_BIT(HM_ALG_P256) | HM_ALG_BIT(HM_ALG_P384) | HM_ALG_BIT(HM_ALG_RSA2048))

void hm_key_init(hm_key *key);
void hm_key_free(hm_key *key);

/** The wire name's algorithm ("p256" …), HM_ALG_NONE for anything this agent cannot make (ed25519 too). */
hm_alg hm_alg_from_wire(const char *name);
const char *hm_alg_wire_name(hm_alg alg);

/** Generates a new key into `key` (freed first). HM_OK or HM_E_KEYGEN_FAILED. */
hm_status hm_key_generate(hm_key *key, hm_alg alg, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);

/** Loads a stored key. HM_OK or HM_E_STORAGE (the blob does not parse or is not of that algorithm). */
hm_status hm_key_load(hm_key *key, hm_alg alg, const uint8_t *der, size_t len);

/** The private key DER, at the start of `buf`. HM_OK or HM_E_INTERNAL. */
hm_status hm_key_export(const hm_key *key, uint8_t *buf, size_t cap, size_t *len);

/**
 * The DER SubjectPublicKeyInfo of any pk context (mbedtls_pk_write_pubkey_der), at the
 * start of `buf`. 0 or -1.
 */
int hm_spki_der(mbedtls_pk_context *pk, uint8_t *buf, size_t cap, size_t *len);

/**
 * Signs `tbs` with the key: SHA-256 for P-256 and RSA-2048 (PKCS#1 v1.5), SHA-384 for
 * P-384; ECDSA signatures come out as DER Ecdsa-Sig-Value. HM_OK or HM_E_INTERNAL.
 */
hm_status hm_key_sign(hm_key *key, const uint8_t *tbs, size_t tbs_len, uint8_t *sig, size_t cap, size_t *sig_len,
                      int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);

/** The signatureAlgorithm AlgorithmIdentifier DER for the key's algorithm (static bytes). */
const uint8_t *hm_key_signature_algorithm(hm_alg alg, size_t *len);

#endif
