/* HM+KEYGEN=<alg>: a new device key, stored with "no chain" in one atomic write. */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "hal.h"
#include "hm_agent.h"
#include "hm_codec.h"

hm_status hm_cmd_keygen(hm_agent *agent, char *arg)
{
    static hm_meta next;
    if (agent->meta.locked) return HM_E_LOCKED;
    if (arg == 0) return HM_E_SYNTAX;
    hm_alg alg = hm_alg_from_wire(arg);
    if (alg == HM_ALG_NONE || (agent->cfg.algs & HM_ALG_BIT(alg)) == 0) return HM_E_UNSUPPORTED_ALG;

    uint64_t t0 = hal_millis();
    hm_status st = hm_key_generate(&agent->spare, alg, hm_rng_random, &agent->rng);
    if (st != HM_OK) return st;
    hm_meta_blank(&next);
    next.alg = (uint8_t)alg;
    st = hm_key_export(&agent->spare, next.key_der, sizeof next.key_der, &next.key_len);
    /* the new key replaces the old one and erases the chain (it belonged to the old key) */
    if (st == HM_OK) st = hm_store_save_meta(&next);
    if (st != HM_OK) {
        hm_key_free(&agent->spare);
        hm_meta_wipe(&next);
        return st;
    }
    hm_key_free(&agent->key);
    agent->key = agent->spare; /* ownership of the pk context moves */
    hm_key_init(&agent->spare);
    agent->meta = next;
    hm_meta_wipe(&next);
    agent->xfer.active = 0;

    char line[16 + 64 + 1];
    strcpy(line, "+KEYGEN: ");
    hm_hex_encode(agent->key.spki_sha256, 32, line + strlen(line));
    hm_agent_send(agent, line);
    hm_agent_logf(agent, "keygen: %s in %lu ms", hm_alg_wire_name(alg), (unsigned long)(hal_millis() - t0));
    return HM_OK;
}
