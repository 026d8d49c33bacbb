#include "hm_chain_verify.h"

#include <stdio.h>
#include <string.h>

#include <mbedtls/error.h>

#include "hm_der.h"
#include "hm_key.h"

int hm_chain_split(const uint8_t *chain, size_t len, size_t *offsets, size_t *lens, size_t max)
{
    size_t off = 0;
    int n = 0;
    while (off < len) {
        uint8_t tag;
        size_t header, content;
        if ((size_t)n >= max) return -1;
        if (hm_der_read_header(chain + off, len - off, &tag, &header, &content) != 0 || tag != 0x30) return -1;
        offsets[n] = off;
        lens[n] = header + content;
        off += header + content;
        n++;
    }
    return n;
}

static hm_status refuse(char *why, size_t cap, const char *text)
{
    snprintf(why, cap, "%s", text);
    return HM_E_CHAIN_INVALID;
}

hm_status hm_chain_verify(const uint8_t *chain, size_t len, mbedtls_pk_context *own_key, mbedtls_x509_crt *trust, char *why,
                          size_t why_cap)
{
    size_t offs[HM_MAX_CHAIN_CERTS], lens[HM_MAX_CHAIN_CERTS];
    if (trust == 0) return refuse(why, why_cap, "no trust root configured");
    int n = hm_chain_split(chain, len, offs, lens, HM_MAX_CHAIN_CERTS);
    if (n <= 0) return refuse(why, why_cap, "not concatenated DER certificates");

    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    hm_status st = HM_E_CHAIN_INVALID;
    for (int i = 0; i < n; i++) {
        int r = mbedtls_x509_crt_parse_der(&crt, chain + offs[i], lens[i]);
        if (r != 0) {
            char err[100];
            mbedtls_strerror(r, err, sizeof err);
            snprintf(why, why_cap, "certificate %d does not parse: %s", i + 1, err);
            goto out;
        }
    }

    /* the first certificate must be for this device's key */
    uint8_t a[600], b[600];
    size_t alen, blen;
    if (hm_spki_der(own_key, a, sizeof a, &alen) != 0 || hm_spki_der(&crt.pk, b, sizeof b, &blen) != 0 || alen != blen ||
        memcmp(a, b, alen) != 0) {
        refuse(why, why_cap, "the device certificate is not for this device's key");
        goto out;
    }

    uint32_t flags = 0;
    int r = mbedtls_x509_crt_verify(&crt, trust, 0, 0, &flags, 0, 0);
    if (r != 0) {
        char info[200];
        int k = mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
        if (k < 0) info[0] = '\0';
        for (char *p = info; *p; p++)
            if (*p == '\n') *p = ';';
        snprintf(why, why_cap, "the chain does not verify to the trust root (flags 0x%08lx%s%s)", (unsigned long)flags,
                 info[0] ? ": " : "", info);
        goto out;
    }
    st = HM_OK;
    why[0] = '\0';
out:
    mbedtls_x509_crt_free(&crt);
    return st;
}
