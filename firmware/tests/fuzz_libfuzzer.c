/*
 * libFuzzer entry point (built only where clang is installed: `make -C firmware libfuzzer`):
 * the input is fed to one agent as link bytes; everything it answers must pass response_check.
 * The agent and its in-memory storage persist across inputs, as a device does; every 1000
 * inputs it is reset to a blank device.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal_mem.h"
#include "hm_agent.h"
#include "response_check.h"
#include "test_pki.h"

static hm_agent agent;
static test_pki pki;
static hm_config cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static unsigned long count;
    if (!ready) {
        hal_mem_reset(1);
        if (test_pki_init(&pki) != 0) abort();
        cfg.model = "LF1";
        cfg.serial = "HM-LF1-0001";
        cfg.trust = pki.root;
        cfg.trust_len = pki.root_len;
        cfg.algs = HM_ALG_BIT(HM_ALG_P256);
        ready = 1;
    }
    if (count++ % 1000 == 0) {
        hal_mem_erase();
        hm_agent_free(&agent);
        if (hm_agent_init(&agent, &cfg) != HM_OK) abort();
    }
    hal_mem_output_clear();
    hm_agent_input(&agent, data, size);
    hm_agent_input(&agent, (const uint8_t *)"\n", 1);
    size_t n;
    const char *out = hal_mem_output(&n);
    response_stats st;
    char why[200];
    memset(&st, 0, sizeof st);
    if (response_check(out, n, &st, why, sizeof why) != 0) {
        fprintf(stderr, "response_check: %s\n", why);
        abort();
    }
    return 0;
}
