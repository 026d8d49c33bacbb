/*
 * Matter mode: HM+MATTER=BEGIN,<length>,<sha256> / DATA,<seq>,<b64> / END writes the
 * factory record (hm_matter.h), and HM+MATTER? reports the SHA-256 of the stored record,
 * read back from storage, and of the verifier in it. Without Matter mode both are
 * UNKNOWN_COMMAND, as for any device that does not implement them.
 */
#include <string.h>

#include "hm_agent.h"
#include "hm_codec.h"

hm_status hm_cmd_matter(hm_agent *agent, char *arg)
{
    if (!agent->cfg.matter) return HM_E_UNKNOWN_COMMAND;
    if (agent->meta.locked) return HM_E_LOCKED;
    if (arg == 0) return HM_E_SYNTAX;
    char *parts[4];
    int n = hm_split(arg, ',', parts, 3);
    hm_transfer *x = &agent->xfer;
    if (strcmp(parts[0], "BEGIN") == 0) return hm_transfer_begin(x, HM_XFER_MATTER, HM_MATTER_MAX_RECORD, parts + 1, n - 1);
    if (strcmp(parts[0], "DATA") == 0) return hm_transfer_data(x, HM_XFER_MATTER, parts + 1, n - 1);
    if (strcmp(parts[0], "END") == 0) {
        hm_status st = hm_transfer_end(x, HM_XFER_MATTER, n - 1);
        if (st != HM_OK) return st;
        st = hm_matter_commit(&agent->matter, x->buf, x->received);
        if (st == HM_OK) hm_agent_logf(agent, "matter: factory record of %lu bytes stored", (unsigned long)x->received);
        return st;
    }
    return HM_E_SYNTAX;
}

hm_status hm_cmd_matter_query(hm_agent *agent, char *arg)
{
    if (!agent->cfg.matter) return HM_E_UNKNOWN_COMMAND;
    if (arg != 0) return HM_E_SYNTAX;
    /* from storage, not from RAM: the station checks what the device would boot with */
    hm_matter stored;
    if (hm_matter_load(&stored, agent->scratch, sizeof agent->scratch) != HM_OK) return HM_E_STORAGE;
    if (!stored.present) return HM_E_NO_FACTORY_DATA;
    char line[16 + 64 + 1 + 64 + 1];
    strcpy(line, "+MATTER: ");
    size_t k = strlen(line);
    hm_hex_encode(stored.record_sha256, 32, line + k);
    line[k + 64] = ',';
    hm_hex_encode(stored.verifier_sha256, 32, line + k + 65);
    hm_agent_send(agent, line);
    return HM_OK;
}
