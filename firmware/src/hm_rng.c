#include "hm_rng.h"

#include <string.h>

#include <mbedtls/entropy.h>

#include "hal.h"

static int hal_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    return hal_random(out, len) == HAL_OK ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

int hm_rng_init(hm_rng *rng, const char *personalization)
{
    mbedtls_ctr_drbg_init(&rng->drbg);
    /* prediction resistance off: a reseed every MBEDTLS_CTR_DRBG_RESEED_INTERVAL calls */
    return mbedtls_ctr_drbg_seed(&rng->drbg, hal_entropy, 0, (const unsigned char *)personalization, strlen(personalization));
}

void hm_rng_free(hm_rng *rng)
{
    mbedtls_ctr_drbg_free(&rng->drbg);
}

int hm_rng_random(void *rng, unsigned char *out, size_t len)
{
    return mbedtls_ctr_drbg_random(&((hm_rng *)rng)->drbg, out, len);
}
