#include "hm_store.h"

#include <string.h>

#include <mbedtls/platform_util.h>

#include "hal.h"

/* meta layout: "HMS1" flags alg slot 0 keylen(2, BE) key… */
#define META_MAGIC "HMS1"
#define META_HEADER 10

void hm_meta_blank(hm_meta *meta)
{
    memset(meta, 0, sizeof *meta);
}

const char *hm_state_name(const hm_meta *meta)
{
    if (meta->locked) return "locked";
    if (meta->active_slot != 0) return "provisioned";
    return meta->alg != HM_ALG_NONE ? "keyed" : "blank";
}

void hm_meta_wipe(hm_meta *meta)
{
    mbedtls_platform_zeroize(meta, sizeof *meta);
}

hm_status hm_store_load_meta(hm_meta *meta)
{
    static uint8_t raw[META_HEADER + HM_MAX_KEY_DER];
    size_t len = 0;
    hm_meta_blank(meta);
    int r = hal_storage_load(HM_BLOB_META, raw, sizeof raw, &len);
    if (r == HAL_ERR_NOT_FOUND) return HM_OK;
    if (r != HAL_OK) return HM_E_STORAGE;
    hm_status st = HM_E_STORAGE;
    if (len < META_HEADER || memcmp(raw, META_MAGIC, 4) != 0) goto out;
    uint8_t flags = raw[4], alg = raw[5], slot = raw[6];
    size_t key_len = ((size_t)raw[8] << 8) | raw[9];
    if ((flags & ~1u) != 0 || alg > HM_ALG_RSA2048 || slot > 2 || raw[7] != 0) goto out;
    if (key_len != len - META_HEADER || key_len > HM_MAX_KEY_DER) goto out;
    if ((alg == HM_ALG_NONE) != (key_len == 0)) goto out;
    if (alg == HM_ALG_NONE && (slot != 0 || flags != 0)) goto out;
    if ((flags & 1u) && slot == 0) goto out; /* locked without a chain: not a state this agent makes */
    meta->locked = flags & 1u;
    meta->alg = alg;
    meta->active_slot = slot;
    meta->key_len = key_len;
    memcpy(meta->key_der, raw + META_HEADER, key_len);
    st = HM_OK;
out:
    mbedtls_platform_zeroize(raw, sizeof raw);
    return st;
}

hm_status hm_store_save_meta(const hm_meta *meta)
{
    static uint8_t raw[META_HEADER + HM_MAX_KEY_DER];
    if (meta->key_len > HM_MAX_KEY_DER) return HM_E_STORAGE;
    memcpy(raw, META_MAGIC, 4);
    raw[4] = meta->locked ? 1 : 0;
    raw[5] = meta->alg;
    raw[6] = meta->active_slot;
    raw[7] = 0;
    raw[8] = (uint8_t)(meta->key_len >> 8);
    raw[9] = (uint8_t)meta->key_len;
    memcpy(raw + META_HEADER, meta->key_der, meta->key_len);
    int r = hal_storage_save(HM_BLOB_META, raw, META_HEADER + meta->key_len);
    mbedtls_platform_zeroize(raw, sizeof raw);
    return r == HAL_OK ? HM_OK : HM_E_STORAGE;
}

static const char *slot_name(uint8_t slot)
{
    return slot == 1 ? HM_BLOB_CHAIN1 : HM_BLOB_CHAIN2;
}

hm_status hm_store_load_chain(const hm_meta *meta, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (meta->active_slot == 0) return HM_E_NO_CHAIN;
    int r = hal_storage_load(slot_name(meta->active_slot), buf, cap, len);
    if (r != HAL_OK) return HM_E_STORAGE;
    if (*len == 0) return HM_E_STORAGE;
    return HM_OK;
}

hm_status hm_store_commit_chain(hm_meta *meta, const uint8_t *chain, size_t len)
{
    uint8_t slot = meta->active_slot == 1 ? 2 : 1;
    if (hal_storage_save(slot_name(slot), chain, len) != HAL_OK) return HM_E_STORAGE;
    uint8_t before = meta->active_slot;
    meta->active_slot = slot;
    if (hm_store_save_meta(meta) != HM_OK) {
        meta->active_slot = before;
        return HM_E_STORAGE;
    }
    return HM_OK;
}
