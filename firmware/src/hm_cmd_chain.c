/*
 * HM+CHAIN=BEGIN,<length>,<sha256> / DATA,<seq>,<b64> / END: the chain transfer.
 * Chunks are kept in RAM (8 KiB) until END; END checks length and digest (DIGEST), then
 * verifies the chain against the trust root (CHAIN_INVALID), then commits it to the free
 * slot and switches to it (STORAGE). An unfinished transfer dies with a reset; the
 * committed chain never does.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "hm_agent.h"
#include "hm_chain_verify.h"
#include "hm_codec.h"

static hm_status begin(hm_agent *agent, char **rest, int n)
{
    if (!agent->key.present) return HM_E_NO_KEY;
    if (n != 2) return HM_E_SYNTAX;
    size_t ll = strlen(rest[0]);
    if (!hm_is_decimal(rest[0], ll, 6) || rest[0][0] == '0') return HM_E_SYNTAX;
    if (strlen(rest[1]) != 64 || !hm_is_lower_hex(rest[1], 64)) return HM_E_SYNTAX;
    size_t total = 0;
    for (size_t i = 0; i < ll; i++) total = total * 10 + (size_t)(rest[0][i] - '0');
    if (total > HM_MAX_CHAIN_BYTES) return HM_E_TOO_LARGE;
    /* discards any unfinished transfer */
    agent->xfer.active = 1;
    agent->xfer.total = total;
    agent->xfer.next_seq = 1;
    agent->xfer.received = 0;
    hm_hex_decode(rest[1], 64, agent->xfer.sha256);
    return HM_OK;
}

static hm_status data(hm_agent *agent, char **rest, int n)
{
    hm_transfer *x = &agent->xfer;
    if (!x->active) return HM_E_SEQUENCE;
    if (n != 2) return HM_E_SYNTAX;
    size_t sl = strlen(rest[0]), bl = strlen(rest[1]);
    if (!hm_is_decimal(rest[0], sl, 5) || bl > HM_CHUNK_CHARS) return HM_E_SYNTAX;
    unsigned seq = 0;
    for (size_t i = 0; i < sl; i++) seq = seq * 10 + (unsigned)(rest[0][i] - '0');
    if (seq != x->next_seq) return HM_E_SEQUENCE;
    uint8_t bytes[HM_CHUNK_BYTES];
    size_t len;
    if (bl == 0 || hm_b64_decode(rest[1], bl, bytes, sizeof bytes, &len) != HM_B64_OK || len == 0) return HM_E_SYNTAX;
    if (x->received + len > x->total) return HM_E_TOO_LARGE;
    memcpy(x->buf + x->received, bytes, len);
    x->received += len;
    x->next_seq++;
    return HM_OK;
}

static hm_status end(hm_agent *agent, int n)
{
    hm_transfer *x = &agent->xfer;
    if (!x->active) return HM_E_SEQUENCE;
    if (n != 0) return HM_E_SYNTAX;
    x->active = 0;
    uint8_t digest[32];
    if (mbedtls_sha256_ret(x->buf, x->received, digest, 0) != 0) return HM_E_INTERNAL;
    if (x->received != x->total || memcmp(digest, x->sha256, 32) != 0) return HM_E_DIGEST;

    char why[300];
    hm_status st = hm_chain_verify(x->buf, x->received, &agent->key.pk, agent->trust_ok ? &agent->trust : 0, why, sizeof why);
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
    if (strcmp(parts[0], "BEGIN") == 0) return begin(agent, parts + 1, n - 1);
    if (strcmp(parts[0], "DATA") == 0) return data(agent, parts + 1, n - 1);
    if (strcmp(parts[0], "END") == 0) return end(agent, n - 1);
    return HM_E_SYNTAX;
}
