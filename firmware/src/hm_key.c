#include "hm_key.h"

#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

void hm_key_init(hm_key *key)
{
    memset(key, 0, sizeof *key);
    mbedtls_pk_init(&key->pk);
}

void hm_key_free(hm_key *key)
{
    mbedtls_pk_free(&key->pk);
    mbedtls_pk_init(&key->pk);
    key->present = 0;
    key->alg = HM_ALG_NONE;
    memset(key->spki_sha256, 0, sizeof key->spki_sha256);
}

hm_alg hm_alg_from_wire(const char *name)
{
    if (strcmp(name, "p256") == 0) return HM_ALG_P256;
    if (strcmp(name, "p384") == 0) return HM_ALG_P384;
    if (strcmp(name, "rsa2048") == 0) return HM_ALG_RSA2048;
    /* ed25519: mbedTLS 2.28 has no Ed25519 (neither pk nor PSA), so neither has this agent */
    return HM_ALG_NONE;
}

const char *hm_alg_wire_name(hm_alg alg)
{
    switch (alg) {
    case HM_ALG_P256: return "p256";
    case HM_ALG_P384: return "p384";
    case HM_ALG_RSA2048: return "rsa2048";
    default: return "none";
    }
}

int hm_spki_der(mbedtls_pk_context *pk, uint8_t *buf, size_t cap, size_t *len)
{
    /* mbedtls_pk_write_*_der write at the end of the buffer */
    int n = mbedtls_pk_write_pubkey_der(pk, buf, cap);
    if (n <= 0) return -1;
    memmove(buf, buf + cap - (size_t)n, (size_t)n);
    *len = (size_t)n;
    return 0;
}

static int matches(const mbedtls_pk_context *pk, hm_alg alg)
{
    mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);
    if (alg == HM_ALG_RSA2048) return t == MBEDTLS_PK_RSA && mbedtls_pk_get_bitlen(pk) == 2048;
    if (t != MBEDTLS_PK_ECKEY) return 0;
    mbedtls_ecp_group_id gid = mbedtls_pk_ec(*pk)->grp.id;
    return alg == HM_ALG_P256 ? gid == MBEDTLS_ECP_DP_SECP256R1 : alg == HM_ALG_P384 ? gid == MBEDTLS_ECP_DP_SECP384R1 : 0;
}

static int finish(hm_key *key, hm_alg alg)
{
    uint8_t spki[600];
    size_t n;
    if (!matches(&key->pk, alg) || hm_spki_der(&key->pk, spki, sizeof spki, &n) != 0) return -1;
    if (mbedtls_sha256_ret(spki, n, key->spki_sha256, 0) != 0) return -1;
    key->alg = alg;
    key->present = 1;
    return 0;
}

hm_status hm_key_generate(hm_key *key, hm_alg alg, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    hm_key_free(key);
    int r;
    if (alg == HM_ALG_P256 || alg == HM_ALG_P384) {
        r = mbedtls_pk_setup(&key->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
        if (r == 0)
            r = mbedtls_ecp_gen_key(alg == HM_ALG_P256 ? MBEDTLS_ECP_DP_SECP256R1 : MBEDTLS_ECP_DP_SECP384R1, mbedtls_pk_ec(key->pk), f_rng, p_rng);
    } else if (alg == HM_ALG_RSA2048) {
        r = mbedtls_pk_setup(&key->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
        if (r == 0) r = mbedtls_rsa_gen_key(mbedtls_pk_rsa(key->pk), f_rng, p_rng, 2048, 65537);
    } else {
        return HM_E_UNSUPPORTED_ALG;
    }
    if (r != 0 || finish(key, alg) != 0) {
        hm_key_free(key);
        return HM_E_KEYGEN_FAILED;
    }
    return HM_OK;
}

hm_status hm_key_load(hm_key *key, hm_alg alg, const uint8_t *der, size_t len)
{
    hm_key_free(key);
    if (mbedtls_pk_parse_key(&key->pk, der, len, 0, 0) != 0 || finish(key, alg) != 0) {
        hm_key_free(key);
        return HM_E_STORAGE;
    }
    return HM_OK;
}

hm_status hm_key_export(const hm_key *key, uint8_t *buf, size_t cap, size_t *len)
{
    if (!key->present) return HM_E_INTERNAL;
    int n = mbedtls_pk_write_key_der((mbedtls_pk_context *)&key->pk, buf, cap);
    if (n <= 0) return HM_E_INTERNAL;
    memmove(buf, buf + cap - (size_t)n, (size_t)n);
    mbedtls_platform_zeroize(buf + n, cap - (size_t)n);
    *len = (size_t)n;
    return HM_OK;
}

hm_status hm_key_sign(hm_key *key, const uint8_t *tbs, size_t tbs_len, uint8_t *sig, size_t cap, size_t *sig_len,
                      int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    if (!key->present || cap < MBEDTLS_PK_SIGNATURE_MAX_SIZE) return HM_E_INTERNAL;
    mbedtls_md_type_t md = key->alg == HM_ALG_P384 ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA256;
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
    uint8_t hash[64];
    if (info == 0 || mbedtls_md(info, tbs, tbs_len, hash) != 0) return HM_E_INTERNAL;
    /* ECDSA: DER Ecdsa-Sig-Value (deterministic, RFC 6979, with MBEDTLS_ECDSA_DETERMINISTIC) */
    if (mbedtls_pk_sign(&key->pk, md, hash, mbedtls_md_get_size(info), sig, sig_len, f_rng, p_rng) != 0) return HM_E_INTERNAL;
    return HM_OK;
}

/* ecdsa-with-SHA256 / -SHA384: parameters ABSENT (RFC 5758); sha256WithRSAEncryption: NULL */
static const uint8_t ALG_ECDSA_SHA256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t ALG_ECDSA_SHA384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
static const uint8_t ALG_RSA_SHA256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};

const uint8_t *hm_key_signature_algorithm(hm_alg alg, size_t *len)
{
    switch (alg) {
    case HM_ALG_P256: *len = sizeof ALG_ECDSA_SHA256; return ALG_ECDSA_SHA256;
    case HM_ALG_P384: *len = sizeof ALG_ECDSA_SHA384; return ALG_ECDSA_SHA384;
    case HM_ALG_RSA2048: *len = sizeof ALG_RSA_SHA256; return ALG_RSA_SHA256;
    default: *len = 0; return 0;
    }
}
