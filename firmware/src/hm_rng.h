/* The agent's DRBG: mbedTLS CTR_DRBG seeded (and reseeded) from hal_random(). */
#ifndef HM_RNG_H
#define HM_RNG_H

#include <stddef.h>

#include <mbedtls/ctr_drbg.h>

typedef struct {
    mbedtls_ctr_drbg_context drbg;
} hm_rng;

/** 0, or an mbedTLS error (the entropy source failed). */
int hm_rng_init(hm_rng *rng, const char *personalization);
void hm_rng_free(hm_rng *rng);

/** The f_rng callback mbedTLS functions take, with the hm_rng as p_rng. */
int hm_rng_random(void *rng, unsigned char *out, size_t len);

#endif
