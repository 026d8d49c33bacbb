#include "hm_agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "hal.h"

int hm_ident_value_ok(const char *value)
{
    size_t n = value == 0 ? 0 : strlen(value);
    if (n == 0 || n > HM_MAX_IDENT_VALUE) return 0;
    for (size_t i = 0; i < n; i++)
        if (value[i] < 0x21 || value[i] > 0x7e || value[i] == ',' || value[i] == '=') return 0;
    return 1;
}

void hm_agent_logf(hm_agent *agent, const char *fmt, ...)
{
    (void)agent;
    char line[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    hal_log(line);
}

void hm_agent_send(hm_agent *agent, const char *line)
{
    if (agent->link_lost) return;
    if (hal_stream_write((const uint8_t *)line, strlen(line)) != HAL_OK || hal_stream_write((const uint8_t *)"\r\n", 2) != HAL_OK)
        agent->link_lost = 1;
}

static void load_state(hm_agent *agent)
{
    agent->store_ok = 0;
    if (hm_store_load_meta(&agent->meta) != HM_OK) {
        hm_meta_blank(&agent->meta);
        hm_agent_logf(agent, "storage: the device state cannot be read; answering STORAGE");
        return;
    }
    if (agent->meta.alg != HM_ALG_NONE &&
        hm_key_load(&agent->key, (hm_alg)agent->meta.alg, agent->meta.key_der, agent->meta.key_len) != HM_OK) {
        hm_meta_blank(&agent->meta);
        hm_agent_logf(agent, "storage: the stored key does not load; answering STORAGE");
        return;
    }
    if (agent->cfg.matter && hm_matter_load(&agent->matter, agent->scratch, sizeof agent->scratch) != HM_OK) {
        hm_agent_logf(agent, "storage: the Matter factory record cannot be read; answering STORAGE");
        return;
    }
    agent->store_ok = 1;
}

hm_status hm_agent_init(hm_agent *agent, const hm_config *config)
{
    memset(agent, 0, sizeof *agent);
    agent->cfg = *config;
    if (agent->cfg.algs == 0) agent->cfg.algs = HM_ALGS_ALL;
    hm_line_init(&agent->line);
    hm_key_init(&agent->key);
    hm_key_init(&agent->spare);
    mbedtls_x509_crt_init(&agent->trust);
    if (!hm_ident_value_ok(config->model) || !hm_ident_value_ok(config->serial)) {
        hm_agent_logf(agent, "config: model and serial must be 1-%d printable characters without ',' or '='", HM_MAX_IDENT_VALUE);
        return HM_E_INTERNAL;
    }
    if (hm_rng_init(&agent->rng, config->serial) != 0) {
        hm_agent_logf(agent, "config: the random source failed");
        return HM_E_INTERNAL;
    }
    if (config->trust != 0) {
        int r = mbedtls_x509_crt_parse(&agent->trust, config->trust, config->trust_len);
        if (r != 0) {
            hm_agent_logf(agent, "config: the trust root does not parse (%s%x)", r < 0 ? "-0x" : "", (unsigned)(r < 0 ? -r : r));
            return HM_E_INTERNAL;
        }
        agent->trust_ok = 1;
    }
    load_state(agent);
    return HM_OK;
}

void hm_agent_free(hm_agent *agent)
{
    hm_key_free(&agent->key);
    hm_key_free(&agent->spare);
    hm_rng_free(&agent->rng);
    mbedtls_x509_crt_free(&agent->trust);
    hm_meta_wipe(&agent->meta);
    mbedtls_platform_zeroize(agent, sizeof *agent);
}

void hm_agent_boot(hm_agent *agent)
{
    char line[64 + 2 * HM_MAX_IDENT_VALUE];
    snprintf(line, sizeof line, "+BOOT: model=%s,fw=%s,proto=%s", agent->cfg.model, HM_FW_VERSION, HM_PROTOCOL_VERSION);
    hm_agent_send(agent, line);
    hm_agent_logf(agent, "boot: %s serial=%s state=%s", line, agent->cfg.serial, agent->store_ok ? hm_state_name(&agent->meta) : "unreadable");
}

void hm_agent_input(hm_agent *agent, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (hm_line_push(&agent->line, bytes[i])) {
        case HM_LINE_READY:
            hm_agent_handle_line(agent, agent->line.text);
            break;
        case HM_LINE_TOO_LONG:
            hm_agent_logf(agent, "rx: a line longer than %d bytes", HM_LINE_BYTES);
            hm_agent_send(agent, "ERROR LINE_TOO_LONG");
            break;
        case HM_LINE_SYNTAX:
            hm_agent_logf(agent, "rx: a line with non-text bytes");
            hm_agent_send(agent, "ERROR SYNTAX");
            break;
        case HM_LINE_NONE:
            break;
        }
    }
}

void hm_agent_run(hm_agent *agent)
{
    uint8_t buf[256];
    hm_agent_boot(agent);
    while (!agent->link_lost) {
        int n = hal_stream_read(buf, sizeof buf, 1000);
        if (n < 0) break;
        if (n > 0) hm_agent_input(agent, buf, (size_t)n);
    }
    hm_agent_logf(agent, "link: closed");
}

int hm_split(char *s, char sep, char **parts, int max)
{
    int n = 0;
    char *p = s;
    for (;;) {
        if (n >= max) return max + 1;
        parts[n++] = p;
        char *q = strchr(p, sep);
        if (q == 0) return n;
        *q = '\0';
        p = q + 1;
    }
}
