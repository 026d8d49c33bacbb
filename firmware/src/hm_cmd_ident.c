/* HM+IDENT (who are you; the state read from storage) and HM+SYNC (resynchronize). */
#include <stdio.h>
#include <string.h>

#include "hm_agent.h"

hm_status hm_cmd_ident(hm_agent *agent, char *arg)
{
    static hm_meta stored; /* static: it holds a key DER, too large for a small stack */
    if (arg != 0) return HM_E_SYNTAX;
    hm_status st = hm_store_load_meta(&stored);
    const char *state = hm_state_name(&stored);
    hm_meta_wipe(&stored);
    if (st != HM_OK) return st;
    char line[96 + 2 * HM_MAX_IDENT_VALUE];
    snprintf(line, sizeof line, "+IDENT: model=%s,serial=%s,fw=%s,proto=%s,state=%s%s", agent->cfg.model, agent->cfg.serial,
             HM_FW_VERSION, HM_PROTOCOL_VERSION, state, agent->cfg.matter ? ",matter=1" : "");
    hm_agent_send(agent, line);
    return HM_OK;
}

hm_status hm_cmd_sync(hm_agent *agent, char *arg)
{
    if (arg == 0) return HM_E_SYNTAX;
    size_t n = strlen(arg);
    if (n < 1 || n > HM_SYNC_MAX) return HM_E_SYNTAX;
    for (size_t i = 0; i < n; i++) {
        char c = arg[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return HM_E_SYNTAX;
    }
    char line[16 + HM_SYNC_MAX];
    snprintf(line, sizeof line, "+SYNC: %s", arg);
    hm_agent_send(agent, line);
    return HM_OK;
}
