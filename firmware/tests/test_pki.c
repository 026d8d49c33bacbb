#include "test_pki.h"

#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/x509_crt.h>

static int gen(test_pki *p, mbedtls_pk_context *k)
{
    mbedtls_pk_init(k);
    if (mbedtls_pk_setup(k, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0) return -1;
    return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*k), hm_rng_random, &p->rng);
}

static int make(test_pki *p, mbedtls_pk_context *subject_key, const char *subject, mbedtls_pk_context *issuer_key, const char *issuer,
                int ca, const char *from, const char *to, int serial, uint8_t *out, size_t cap, size_t *len)
{
    mbedtls_x509write_cert c;
    mbedtls_mpi sn;
    uint8_t buf[2048];
    int r;
    mbedtls_x509write_crt_init(&c);
    mbedtls_mpi_init(&sn);
    mbedtls_x509write_crt_set_version(&c, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&c, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&c, subject_key);
    mbedtls_x509write_crt_set_issuer_key(&c, issuer_key);
    if ((r = mbedtls_x509write_crt_set_subject_name(&c, subject)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_issuer_name(&c, issuer)) != 0) goto out;
    if ((r = mbedtls_mpi_lset(&sn, serial)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_serial(&c, &sn)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_validity(&c, from, to)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_basic_constraints(&c, ca, ca ? 1 : -1)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_key_usage(&c, ca ? MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN : MBEDTLS_X509_KU_DIGITAL_SIGNATURE)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_subject_key_identifier(&c)) != 0) goto out;
    if ((r = mbedtls_x509write_crt_set_authority_key_identifier(&c)) != 0) goto out;
    r = mbedtls_x509write_crt_der(&c, buf, sizeof buf, hm_rng_random, &p->rng);
    if (r <= 0 || (size_t)r > cap) {
        r = -1;
        goto out;
    }
    memcpy(out, buf + sizeof buf - (size_t)r, (size_t)r);
    *len = (size_t)r;
    r = 0;
out:
    mbedtls_x509write_crt_free(&c);
    mbedtls_mpi_free(&sn);
    return r;
}

#define ROOT "O=Test,CN=Test Device Root"
#define MFG "O=Test,CN=Test Manufacturing CA"
#define OTHER "O=Elsewhere,CN=Unrelated Root"
#define OTHER_CA "O=Elsewhere,CN=Unrelated CA"
#define EE "O=Test,CN=Not a CA"
#define FROM "20200101000000"
#define TO "20991231235959"

int test_pki_init(test_pki *p)
{
    memset(p, 0, sizeof *p);
    if (hm_rng_init(&p->rng, "test pki") != 0) return -1;
    if (gen(p, &p->root_key) || gen(p, &p->mfg_key) || gen(p, &p->other_key) || gen(p, &p->other_ca_key) || gen(p, &p->ee_key) ||
        gen(p, &p->stranger_key))
        return -1;
    if (make(p, &p->root_key, ROOT, &p->root_key, ROOT, 1, FROM, TO, 1, p->root, sizeof p->root, &p->root_len)) return -1;
    if (make(p, &p->mfg_key, MFG, &p->root_key, ROOT, 1, FROM, TO, 2, p->mfg, sizeof p->mfg, &p->mfg_len)) return -1;
    if (make(p, &p->other_key, OTHER, &p->other_key, OTHER, 1, FROM, TO, 3, p->other, sizeof p->other, &p->other_len)) return -1;
    if (make(p, &p->other_ca_key, OTHER_CA, &p->other_key, OTHER, 1, FROM, TO, 4, p->other_ca, sizeof p->other_ca, &p->other_ca_len)) return -1;
    if (make(p, &p->ee_key, EE, &p->mfg_key, MFG, 0, FROM, TO, 5, p->ee, sizeof p->ee, &p->ee_len)) return -1;
    return 0;
}

void test_pki_free(test_pki *p)
{
    mbedtls_pk_free(&p->root_key);
    mbedtls_pk_free(&p->mfg_key);
    mbedtls_pk_free(&p->other_key);
    mbedtls_pk_free(&p->other_ca_key);
    mbedtls_pk_free(&p->ee_key);
    mbedtls_pk_free(&p->stranger_key);
    hm_rng_free(&p->rng);
}

static int append(uint8_t *out, size_t cap, size_t *len, const uint8_t *b, size_t n)
{
    if (*len + n > cap) return -1;
    memcpy(out + *len, b, n);
    *len += n;
    return 0;
}

int test_pki_chain(test_pki *p, mbedtls_pk_context *device, chain_variant v, uint8_t *out, size_t cap, size_t *len)
{
    uint8_t leaf[2048];
    size_t ll = 0;
    *len = 0;
    const char *leaf_name = "O=Test,CN=T1-HM-T1-0001,serialNumber=HM-T1-0001";
    int r = 0;
    switch (v) {
    case CHAIN_WRONG_KEY: r = make(p, &p->stranger_key, leaf_name, &p->mfg_key, MFG, 0, FROM, TO, 100, leaf, sizeof leaf, &ll); break;
    case CHAIN_OTHER_ROOT: r = make(p, device, leaf_name, &p->other_ca_key, OTHER_CA, 0, FROM, TO, 100, leaf, sizeof leaf, &ll); break;
    case CHAIN_EXPIRED: r = make(p, device, leaf_name, &p->mfg_key, MFG, 0, "20010101000000", "20021231235959", 100, leaf, sizeof leaf, &ll); break;
    case CHAIN_NOT_A_CA: r = make(p, device, leaf_name, &p->ee_key, EE, 0, FROM, TO, 100, leaf, sizeof leaf, &ll); break;
    default: r = make(p, device, leaf_name, &p->mfg_key, MFG, 0, FROM, TO, 100, leaf, sizeof leaf, &ll); break;
    }
    if (r != 0) return -1;
    switch (v) {
    case CHAIN_GOOD:
    case CHAIN_WRONG_KEY:
    case CHAIN_EXPIRED:
        return append(out, cap, len, leaf, ll) || append(out, cap, len, p->mfg, p->mfg_len) || append(out, cap, len, p->root, p->root_len);
    case CHAIN_BAD_SIG:
        leaf[ll - 5] ^= 0x01;
        return append(out, cap, len, leaf, ll) || append(out, cap, len, p->mfg, p->mfg_len) || append(out, cap, len, p->root, p->root_len);
    case CHAIN_NO_ROOT:
        return append(out, cap, len, leaf, ll) || append(out, cap, len, p->mfg, p->mfg_len);
    case CHAIN_LEAF_ONLY:
        return append(out, cap, len, leaf, ll);
    case CHAIN_OTHER_ROOT:
        return append(out, cap, len, leaf, ll) || append(out, cap, len, p->other_ca, p->other_ca_len) || append(out, cap, len, p->other, p->other_len);
    case CHAIN_NOT_A_CA:
        return append(out, cap, len, leaf, ll) || append(out, cap, len, p->ee, p->ee_len) || append(out, cap, len, p->mfg, p->mfg_len) ||
               append(out, cap, len, p->root, p->root_len);
    case CHAIN_GARBAGE: {
        static const uint8_t junk[] = {0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0x00};
        return append(out, cap, len, junk, sizeof junk);
    }
    case CHAIN_TRAILING: {
        static const uint8_t stray = 0x00;
        return append(out, cap, len, leaf, ll) || append(out, cap, len, p->mfg, p->mfg_len) || append(out, cap, len, p->root, p->root_len) ||
               append(out, cap, len, &stray, 1);
    }
    }
    return -1;
}

int test_pki_variant(const char *name)
{
    static const char *const names[] = {"good", "no-root", "leaf-only", "wrong-key", "other-root", "expired", "not-a-ca", "bad-sig", "garbage", "trailing"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}
