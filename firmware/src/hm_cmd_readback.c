/* HM+READBACK? (digests of what storage holds, read back from it) and HM+LOCK. */
#include <string.h>

#include <mbedtls/sha256.h>

#include "hm_agent.h"
#include "hm_codec.h"

hm_status hm_cmd_readback(hm_agent *agent, char *arg)
{
    if (arg != 0) return HM_E_SYNTAX;
    size_t len;
    hm_status st = hm_store_load_chain(&agent->meta, agent->scratch, sizeof agent->scratch, &len);
    if (st != HM_OK) return st;
    uint8_t digest[32];
    if (mbedtls_sha256_ret(agent->scratch, len, digest, 0) != 0) return HM_E_INTERNAL;
    char line[16 + 64 + 1 + 64 + 1];
    strcpy(line, "+READBACK: ");
    size_t k = strlen(line);
    hm_hex_encode(digest, 32, line + k);
    line[k + 64] = ',';
    hm_hex_encode(agent->key.spki_sha256, 32, line + k + 65);
    hm_agent_send(agent, line);
    return HM_OK;
}

hm_status hm_cmd_lock(hm_agent *agent, char *arg)
{
    if (arg != 0) return HM_E_SYNTAX;
    if (agent->meta.active_slot == 0) return HM_E_NO_CHAIN;
    if (agent->meta.locked) return HM_OK;
    /* a Matter device is not finished without its factory record */
    if (agent->cfg.matter && !agent->matter.present) return HM_E_NO_FACTORY_DATA;
    agent->meta.locked = 1;
    if (hm_store_save_meta(&agent->meta) != HM_OK) {
        agent->meta.locked = 0;
        return HM_E_STORAGE;
    }
    agent->xfer.active = 0;
    return HM_OK;
}
