#include "hm_matter.h"

#include <string.h>

#include <mbedtls/sha256.h>

#include "hal.h"

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

/* Matter Core spec 5.1.7.1: the trivial passcodes a device must never use */
static int passcode_ok(uint32_t p)
{
    static const uint32_t invalid[] = {11111111, 22222222, 33333333, 44444444, 55555555, 66666666, 77777777, 88888888, 12345678, 87654321};
    if (p < 1 || p > 99999998) return 0;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        if (p == invalid[i]) return 0;
    return 1;
}

hm_status hm_matter_parse(const uint8_t *buf, size_t len, hm_matter_record *out)
{
    memset(out, 0, sizeof *out);
    if (len < 14 || len > HM_MATTER_MAX_RECORD || memcmp(buf, "HMF1", 4) != 0) return HM_E_BAD_RECORD;
    out->passcode = be32(buf + 4);
    out->discriminator = be16(buf + 8);
    out->iterations = be32(buf + 10);
    if (!passcode_ok(out->passcode) || out->discriminator > 0xfff || out->iterations < 1000 || out->iterations > 100000) return HM_E_BAD_RECORD;
    size_t at = 14;
    if (at + 1 > len) return HM_E_BAD_RECORD;
    out->salt_len = buf[at++];
    if (out->salt_len < 16 || out->salt_len > 32 || at + out->salt_len + HM_MATTER_VERIFIER_BYTES + 1 > len) return HM_E_BAD_RECORD;
    out->salt = buf + at;
    at += out->salt_len;
    out->verifier = buf + at;
    at += HM_MATTER_VERIFIER_BYTES;
    out->unique_id_len = buf[at++];
    if (out->unique_id_len < 16 || out->unique_id_len > 32 || at + out->unique_id_len + 2 > len) return HM_E_BAD_RECORD;
    out->unique_id = buf + at;
    at += out->unique_id_len;
    out->cd_len = be16(buf + at);
    at += 2;
    if (out->cd_len < 1 || out->cd_len > HM_MATTER_MAX_CD || at + out->cd_len != len) return HM_E_BAD_RECORD;
    out->cd = buf + at;
    /* L is an uncompressed P-256 point */
    if (out->verifier[32] != 0x04) return HM_E_BAD_RECORD;
    return HM_OK;
}

static hm_status digests(hm_matter *m, const uint8_t *record, size_t len)
{
    hm_matter_record r;
    if (hm_matter_parse(record, len, &r) != HM_OK) return HM_E_BAD_RECORD;
    if (mbedtls_sha256_ret(record, len, m->record_sha256, 0) != 0) return HM_E_INTERNAL;
    if (mbedtls_sha256_ret(r.verifier, HM_MATTER_VERIFIER_BYTES, m->verifier_sha256, 0) != 0) return HM_E_INTERNAL;
    m->present = 1;
    return HM_OK;
}

hm_status hm_matter_load(hm_matter *m, uint8_t *scratch, size_t cap)
{
    memset(m, 0, sizeof *m);
    size_t len = 0;
    int r = hal_storage_load(HM_BLOB_MATTER, scratch, cap, &len);
    if (r == HAL_ERR_NOT_FOUND) return HM_OK;
    if (r != HAL_OK) return HM_E_STORAGE;
    return digests(m, scratch, len) == HM_OK ? HM_OK : HM_E_STORAGE;
}

hm_status hm_matter_commit(hm_matter *m, const uint8_t *record, size_t len)
{
    hm_matter_record r;
    if (hm_matter_parse(record, len, &r) != HM_OK) return HM_E_BAD_RECORD;
    if (hal_storage_save(HM_BLOB_MATTER, record, len) != HAL_OK) return HM_E_STORAGE;
    return digests(m, record, len);
}
