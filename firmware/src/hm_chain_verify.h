/*
 * Checking a received chain before it is committed: it must be concatenated DER
 * certificates that mbedTLS parses, the first one's public key must be this device's
 * key, and the chain must verify (mbedtls_x509_crt_verify) up to the trust root the
 * firmware was built with. Anything else is ERROR CHAIN_INVALID, and nothing is stored.
 */
#ifndef HM_CHAIN_VERIFY_H
#define HM_CHAIN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "hm_errors.h"

#define HM_MAX_CHAIN_CERTS 8

/**
 * Splits concatenated DER certificates by their outer SEQUENCE lengths: offsets and
 * lengths of up to `max` certificates. The count, or -1 when the bytes are not exactly
 * a sequence of DER SEQUENCEs (or more than `max`).
 */
int hm_chain_split(const uint8_t *chain, size_t len, size_t *offsets, size_t *lens, size_t max);

/**
 * HM_OK, or HM_E_CHAIN_INVALID with a reason in `why`. `trust` NULL: no trust root, every
 * chain is refused (fail closed).
 */
hm_status hm_chain_verify(const uint8_t *chain, size_t len, mbedtls_pk_context *own_key, mbedtls_x509_crt *trust, char *why,
                          size_t why_cap);

#endif
