/*
 * HM+CHAIN=BEGIN,<length>,<sha256> / DATA,<seq>,<b64> / END: the chain transfer.
 * Chunks are kept in RAM (8 KiB, hm_transfer.c) until END; END checks length and digest (DIGEST), then
 * verifies the chain against the trust root (CHAIN_INVALID), then commits it to the free
 * slot and switches to it (STORAGE). An unfinished transfer dies with a reset; the
 * committed chain never does.
 */
#include <string.h>

#include "hm_agent.h"
#include "hm_chain_verify.h"

static hm_status end(hm_agent *agent, int n)
{
    hm_transfer *x = &agent->xfer;
    hm_status st = hm_transfer_end(x, HM_XFER_CHAIN, n);
    if (st != HM_OK) return st;

    char why[300];
    st = hm_chain_verify(x->buf, x->received, &agent->key.pk, agent->trust_ok ? &agent->trust : 0, why, sizeof why);
    if (st != HM_OK) {
        hm_agent_logf(agent, "chain: refused: %s", why);
        return st;
    }
    st = hm_store_commit_chain(&agent->meta, x->buf, x->received);
    if (st == HM_OK) hm_agent_logf(agent, "chain: committed %lu bytes to slot %u", (unsigned long)x->received, agent->meta.active_slot);
    return st;
}

hm_status hm_cmd_chain(hm_agent *agent, char *arg)
{
    if (agent->meta.locked) return HM_E_LOCKED;
    if (arg == 0) return HM_E_SYNTAX;
    char *parts[4];
    int n = hm_split(arg, ',', parts, 3);
    if (strcmp(parts[0], "BEGIN") == 0) return agent->key.present ? hm_transfer_begin(&agent->xfer, HM_XFER_CHAIN, HM_MAX_CHAIN_BYTES, parts + 1, n - 1) : HM_E_NO_KEY;
    if (strcmp(parts[0], "DATA") == 0) return hm_transfer_data(&agent->xfer, HM_XFER_CHAIN, parts + 1, n - 1);
    if (strcmp(parts[0], "END") == 0) return end(agent, n - 1);
    return HM_E_SYNTAX;
}
