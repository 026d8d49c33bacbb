#include "hm_csr.h"

#include <string.h>

#include "hm_der.h"
#include "hm_limits.h"

static const uint8_t OID_CHALLENGE_PASSWORD[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07};

hm_status hm_csr_build(hm_key *key, const uint8_t *subject, size_t subject_len, const char *nonce_hex, size_t nonce_len,
                       uint8_t *out, size_t cap, size_t *out_len, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    uint8_t spki[600];
    size_t spki_len;
    uint8_t cri[HM_MAX_CSR_DER];
    uint8_t sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t sig_len = 0;

    if (!key->present || subject_len > HM_MAX_SUBJECT_BYTES || nonce_len > HM_NONCE_MAX_HEX) return HM_E_INTERNAL;
    if (hm_spki_der(&key->pk, spki, sizeof spki, &spki_len) != 0) return HM_E_INTERNAL;

    /* attributes [0] IMPLICIT SET OF Attribute, with exactly one: challengePassword */
    size_t pstr = 2 + nonce_len;                              /* PrintableString */
    size_t set = 2 + pstr;                                    /* SET OF the value */
    size_t attr = 2 + sizeof OID_CHALLENGE_PASSWORD + set;    /* Attribute SEQUENCE */
    size_t attrs = 2 + attr;                                  /* [0] */
    size_t cri_content = 3 + subject_len + spki_len + attrs;
    size_t cri_len = hm_der_header_len(cri_content) + cri_content;
    if (cri_len > sizeof cri) return HM_E_INTERNAL;

    size_t o = hm_der_write_header(cri, 0x30, cri_content);
    cri[o++] = 0x02; cri[o++] = 0x01; cri[o++] = 0x00; /* version 0 */
    memcpy(cri + o, subject, subject_len);
    o += subject_len;
    memcpy(cri + o, spki, spki_len);
    o += spki_len;
    o += hm_der_write_header(cri + o, 0xa0, attr);
    o += hm_der_write_header(cri + o, 0x30, sizeof OID_CHALLENGE_PASSWORD + set);
    memcpy(cri + o, OID_CHALLENGE_PASSWORD, sizeof OID_CHALLENGE_PASSWORD);
    o += sizeof OID_CHALLENGE_PASSWORD;
    o += hm_der_write_header(cri + o, 0x31, pstr);
    o += hm_der_write_header(cri + o, 0x13, nonce_len);
    memcpy(cri + o, nonce_hex, nonce_len);
    o += nonce_len;
    if (o != cri_len) return HM_E_INTERNAL;

    if (hm_key_sign(key, cri, cri_len, sig, sizeof sig, &sig_len, f_rng, p_rng) != HM_OK) return HM_E_INTERNAL;

    size_t alg_len;
    const uint8_t *alg = hm_key_signature_algorithm(key->alg, &alg_len);
    if (alg == 0) return HM_E_INTERNAL;
    size_t bits_content = 1 + sig_len;
    size_t bits = hm_der_header_len(bits_content) + bits_content;
    size_t content = cri_len + alg_len + bits;
    size_t total = hm_der_header_len(content) + content;
    if (total > cap) return HM_E_INTERNAL;

    o = hm_der_write_header(out, 0x30, content);
    memcpy(out + o, cri, cri_len);
    o += cri_len;
    memcpy(out + o, alg, alg_len);
    o += alg_len;
    o += hm_der_write_header(out + o, 0x03, bits_content);
    out[o++] = 0x00; /* no unused bits */
    memcpy(out + o, sig, sig_len);
    o += sig_len;
    *out_len = o;
    return o == total ? HM_OK : HM_E_INTERNAL;
}
