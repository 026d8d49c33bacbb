/*
 * The PKCS#10 CertificationRequest (RFC 2986) the device returns for HM+CSR, written by
 * hand because mbedtls_x509write_csr takes the subject as a string it re-encodes, and
 * the protocol wants the station's Name bytes verbatim:
 *
 *   SEQUENCE {
 *     SEQUENCE {                                    -- certificationRequestInfo
 *       INTEGER 0,
 *       <subject DER, verbatim>,
 *       <SubjectPublicKeyInfo, mbedtls_pk_write_pubkey_der>,
 *       [0] { SEQUENCE { 1.2.840.113549.1.9.7, SET { PrintableString "<nonce hex>" } } }
 *     },
 *     AlgorithmIdentifier,                          -- ecdsa-with-SHA256/384 (absent params), sha256WithRSA (NULL)
 *     BIT STRING { signature }                      -- ECDSA: DER Ecdsa-Sig-Value
 *   }
 */
#ifndef HM_CSR_H
#define HM_CSR_H

#include <stddef.h>
#include <stdint.h>

#include "hm_errors.h"
#include "hm_key.h"

/**
 * Builds and signs the CSR into `out`. The caller has checked the subject (one DER
 * SEQUENCE, at most 512 bytes) and the nonce (32–64 lowercase hex). HM_OK or
 * HM_E_INTERNAL.
 */
hm_status hm_csr_build(hm_key *key, const uint8_t *subject, size_t subject_len, const char *nonce_hex, size_t nonce_len,
                       uint8_t *out, size_t cap, size_t *out_len, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);

#endif
