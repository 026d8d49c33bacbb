/* Command dispatch: `<NAME>[=<arg>]` to its handler, and the final result line. */
#include <string.h>

#include "hm_agent.h"

typedef hm_status (*handler)(hm_agent *, char *);

static const struct {
    const char *name;
    handler fn;
} COMMANDS[] = {
    {"HM+IDENT", hm_cmd_ident},   {"HM+SYNC", hm_cmd_sync},          {"HM+KEYGEN", hm_cmd_keygen}, {"HM+CSR", hm_cmd_csr},
    {"HM+CHAIN", hm_cmd_chain},   {"HM+READBACK?", hm_cmd_readback}, {"HM+LOCK", hm_cmd_lock},
    {"HM+MATTER", hm_cmd_matter}, {"HM+MATTER?", hm_cmd_matter_query},
};

void hm_agent_handle_line(hm_agent *agent, char *line)
{
    char *eq = strchr(line, '=');
    char *arg = 0;
    if (eq != 0) {
        *eq = '\0';
        arg = eq + 1;
    }
    handler fn = 0;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(COMMANDS[i].name, line) == 0) fn = COMMANDS[i].fn;

    /* the log names the command and a short head of its argument, never a payload */
    char label[48];
    size_t n = strlen(line) < 24 ? strlen(line) : 24;
    memcpy(label, line, n);
    label[n] = '\0';
    if (fn == 0) strcpy(label, "(unknown command)");
    if (fn != 0 && arg != 0 && fn != hm_cmd_csr && fn != hm_cmd_matter) {
        size_t k = 0, commas = 0;
        label[n++] = '=';
        while (arg[k] != '\0' && k < 20 && !(arg[k] == ',' && ++commas == 2)) label[n++] = arg[k++];
        label[n] = '\0';
    }

    hm_status st;
    if (fn == 0)
        st = HM_E_UNKNOWN_COMMAND;
    else if (!agent->store_ok && fn != hm_cmd_sync)
        st = HM_E_STORAGE;
    else
        st = fn(agent, arg);

    if (st == HM_OK) {
        hm_agent_send(agent, "OK");
        hm_agent_logf(agent, "%s -> OK", label);
    } else {
        char out[48] = "ERROR ";
        strcat(out, hm_error_name(st));
        hm_agent_send(agent, out);
        hm_agent_logf(agent, "%s -> %s", label, out);
    }
}
