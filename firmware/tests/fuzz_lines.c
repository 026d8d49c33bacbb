/*
 * fuzz-lines: a seeded, deterministic mutation fuzzer of the line parser and command
 * dispatch. Each session starts from the device's current storage (reset every few
 * sessions), sends a few lines — valid commands, including a real chain for the current
 * key, and mutations of them: flipped and inserted bytes, cut and spliced lines, long
 * lines, CRs, NULs, 0xff — in randomly sized pieces, sometimes reboots the agent, and
 * checks every byte the agent sent (response_check). Same seed, same run.
 *
 *   fuzz-lines [ITERATIONS] [SEED]       (default 16000 sessions, seed 0x48414c4c)
 *
 * RSA-2048 key generation is left out (the agent is configured for p256 and p384) so a
 * run stays within seconds under ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/sha256.h>

#include "hal_mem.h"
#include "hm_agent.h"
#include "hm_codec.h"
#include "response_check.h"
#include "test_pki.h"

#define MAX_SEEDS 64
#define MAX_LINE 1200

static char seeds[MAX_SEEDS][MAX_LINE];
static int nseeds;
static test_pki pki;
static hm_agent agent;
static hm_config cfg;

static uint64_t rnd(void) { return hal_mem_rand64(); }
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

static void add_seed(const char *s)
{
    if (nseeds < MAX_SEEDS) snprintf(seeds[nseeds++], MAX_LINE, "%s", s);
}

static const char *BASE[] = {
    "HM+IDENT",
    "HM+SYNC=abc123",
    "HM+KEYGEN=p256",
    "HM+KEYGEN=p384",
    "HM+KEYGEN=ed25519",
    "HM+KEYGEN=rsa4096",
    "HM+CSR=MCsxDTALBgNVBAoMBFRlc3QxGjAYBgNVBAMMEVQxLUhNLVQxLTAwMDEteHl6,9f2c41d7e0b8a3f6c2d1e5a7b9c0f4e8",
    "HM+CSR=MAA=,00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    "HM+CHAIN=BEGIN,1187,5e1a0000000000000000000000000000000000000000000000000000000000ff",
    "HM+CHAIN=DATA,1,MIIB9jCCAZygAwIBAgIJ",
    "HM+CHAIN=END",
    "HM+READBACK?",
    "HM+LOCK",
    "AT+CGSN",
    "HM+CHAIN=DATA,2,AAAA",
    /* Matter mode: a whole valid factory record (tests/suites/matter.data) and its query */
    "HM+MATTER?",
    "HM+MATTER=BEGIN,150,efd2c7abb180c1fbdd5e5ec2fb945fd95f309bcbc1333a0f29dd0595afddd036",
    "HM+MATTER=DATA,1,SE1GMQE0QiUPAAAAA+gQU1BBS0UyUCBLZXkgU2FsdLlhcKroAzRohHJP6aOyh8MDMMKmYDddF7sgWozxrss1BFf4q3nuJTq2qORrsJ5UOuQic23lAePbN9RB/jRJINCVSOTBgkBjDE/0kTxTUTg5t8B/zAYnobhXOhSfzR+kZs8Qq6urq6urq6urq6urq6urqwADMAEA",
    "HM+MATTER=END",
};

static int chain_first, chain_count;

/* the chain lines for the device's current key: BEGIN, DATA 1..n, END */
static void add_chain_seeds(void)
{
    static uint8_t chain[HM_MAX_CHAIN_BYTES];
    size_t len;
    if (!agent.key.present) return;
    nseeds = (int)(sizeof BASE / sizeof BASE[0]);
    chain_variant v = below(4) == 0 ? CHAIN_WRONG_KEY : CHAIN_GOOD;
    if (test_pki_chain(&pki, &agent.key.pk, v, chain, sizeof chain, &len) != 0) return;
    uint8_t d[32];
    char hex[65], line[MAX_LINE];
    mbedtls_sha256_ret(chain, len, d, 0);
    hm_hex_encode(d, 32, hex);
    snprintf(line, sizeof line, "HM+CHAIN=BEGIN,%lu,%s", (unsigned long)len, hex);
    chain_first = nseeds;
    add_seed(line);
    for (size_t off = 0, seq = 1; off < len; off += 384, seq++) {
        char b64[520];
        hm_b64_encode(chain + off, len - off < 384 ? len - off : 384, b64);
        snprintf(line, sizeof line, "HM+CHAIN=DATA,%lu,%s", (unsigned long)seq, b64);
        add_seed(line);
    }
    add_seed("HM+CHAIN=END");
    chain_count = nseeds - chain_first;
}

/* A coherent run of the station's sequence (KEYGEN, CSR, BEGIN, DATA…, END, READBACK, LOCK), a line mutated now and then. */
static int script(const char **lines, int max)
{
    int n = 0;
    if (below(2) == 0) lines[n++] = below(4) == 0 ? "HM+KEYGEN=p384" : "HM+KEYGEN=p256";
    lines[n++] = BASE[6];
    lines[n++] = "@chain";
    lines[n++] = "HM+READBACK?";
    if (below(8) == 0) lines[n++] = "HM+LOCK";
    lines[n++] = BASE[below(sizeof BASE / sizeof BASE[0])];
    return n < max ? n : max;
}

static size_t mutate(char *buf, size_t n, size_t cap)
{
    static const char SPECIAL[] = {',', '=', '\r', '\0', (char)0xff, '+', '/', '?', ' ', '0', '9', 'a', 'A', '\n', (char)0x80, (char)0x7f};
    int rounds = 1 + (int)below(4);
    for (int r = 0; r < rounds; r++) {
        switch (below(9)) {
        case 0: /* flip a bit */
            if (n) buf[below(n)] ^= (char)(1u << below(8));
            break;
        case 1: /* insert a special byte */
            if (n + 1 < cap) {
                size_t at = below(n + 1);
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = SPECIAL[below(sizeof SPECIAL)];
                n++;
            }
            break;
        case 2: /* delete a range */
            if (n) {
                size_t at = below(n), k = 1 + below(n - at);
                memmove(buf + at, buf + at + k, n - at - k);
                n -= k;
            }
            break;
        case 3: /* truncate */
            n = below(n + 1);
            break;
        case 4: /* duplicate a range */
            if (n) {
                size_t at = below(n), k = 1 + below(n - at);
                if (n + k < cap) {
                    memmove(buf + at + k, buf + at, n - at);
                    n += k;
                }
            }
            break;
        case 5: /* splice the tail of another seed */
        {
            const char *o = seeds[below((size_t)nseeds)];
            size_t ol = strlen(o), from = below(ol + 1), at = below(n + 1);
            size_t k = ol - from;
            if (at + k > cap) k = cap - at;
            memcpy(buf + at, o + from, k);
            n = at + k;
            break;
        }
        case 6: /* grow around the 1022-byte limit */
        {
            size_t target = 1016 + below(16);
            if (target < cap) {
                while (n < target) buf[n++] = (char)('A' + below(26));
            }
            break;
        }
        case 7: /* a random byte anywhere */
            if (n) buf[below(n)] = (char)below(256);
            break;
        default: /* a different digit */
            for (size_t k = 0; k < n; k++)
                if (buf[k] >= '0' && buf[k] <= '9' && below(3) == 0) buf[k] = (char)('0' + below(10));
            break;
        }
    }
    return n;
}

static void boot(void)
{
    hm_agent_free(&agent);
    if (hm_agent_init(&agent, &cfg) != HM_OK) {
        fprintf(stderr, "fuzz-lines: the agent does not initialize\n");
        exit(1);
    }
    hm_agent_boot(&agent);
}

int main(int argc, char **argv)
{
    unsigned long iterations = argc > 1 ? strtoul(argv[1], 0, 0) : 16000;
    unsigned long seed = argc > 2 ? strtoul(argv[2], 0, 0) : 0x48414c4cul;
    hal_mem_reset(seed);
    if (test_pki_init(&pki) != 0) return 1;
    cfg.model = "FZ1";
    cfg.serial = "HM-FZ1-0001";
    cfg.trust = pki.root;
    cfg.trust_len = pki.root_len;
    cfg.algs = HM_ALG_BIT(HM_ALG_P256) | HM_ALG_BIT(HM_ALG_P384);
    cfg.matter = 1;
    memset(&agent, 0, sizeof agent);
    if (hm_agent_init(&agent, &cfg) != HM_OK) return 1;
    hm_agent_boot(&agent);

    for (size_t i = 0; i < sizeof BASE / sizeof BASE[0]; i++) add_seed(BASE[i]);
    response_stats stats;
    memset(&stats, 0, sizeof stats);
    static char input[16 * MAX_LINE];
    char why[200];
    clock_t t0 = clock();
    unsigned long bytes_in = 0;

    for (unsigned long it = 0; it < iterations; it++) {
        if (it % 100 == 0) {
            hal_mem_erase(); /* a blank device now and then: locking ends most paths */
            boot();
        }
        if (it % 50 == 0) add_chain_seeds();
        size_t n = 0;
        const char *plan[16 + MAX_SEEDS];
        int lines = 0;
        int scripted = below(12) == 0;
        if (scripted) {
            const char *steps[8];
            int k = script(steps, 8);
            for (int j = 0; j < k; j++) {
                if (strcmp(steps[j], "@chain") != 0) {
                    plan[lines++] = steps[j];
                    continue;
                }
                /* the chain for the key the device will hold by then */
                if (j > 0 && !strncmp(steps[0], "HM+KEYGEN", 9)) {
                    /* run the keygen first so the chain is for the new key */
                    char kg[32];
                    snprintf(kg, sizeof kg, "%s\n", steps[0]);
                    hm_agent_input(&agent, (const uint8_t *)kg, strlen(kg));
                    plan[0] = "HM+IDENT";
                }
                add_chain_seeds();
                for (int c = 0; c < chain_count; c++) plan[lines++] = seeds[chain_first + c];
            }
        } else {
            lines = 1 + (int)below(6);
            for (int l = 0; l < lines; l++) plan[l] = seeds[below((size_t)nseeds)];
        }
        for (int l = 0; l < lines; l++) {
            const char *s = plan[l];
            size_t sl = strlen(s);
            char line[MAX_LINE + 64];
            memcpy(line, s, sl);
            /* random sessions: a third of the lines unmutated; scripted ones: one line in eight mutated */
            if (scripted ? below(8) == 0 : below(3) != 0) sl = mutate(line, sl, MAX_LINE);
            if (n + sl + 2 >= sizeof input) break;
            memcpy(input + n, line, sl);
            n += sl;
            switch (scripted ? 2 : below(8)) {
            case 0: break; /* runs into the next line */
            case 1: input[n++] = '\r'; input[n++] = '\n'; break;
            default: input[n++] = '\n'; break;
            }
        }
        if (below(100) == 0) {
            hal_mem_fail_saves(1);
        }
        /* feed in pieces, and sometimes reset the device in the middle */
        size_t off = 0;
        int rebooted = 0;
        while (off < n) {
            size_t k = 1 + below(n - off < 300 ? n - off : 300);
            hm_agent_input(&agent, (const uint8_t *)input + off, k);
            off += k;
            if (!rebooted && below(scripted ? 20 : 200) == 0) {
                boot();
                rebooted = 1;
            }
        }
        bytes_in += n;
        size_t out_len;
        const char *out = hal_mem_output(&out_len);
        /* a line cut off by the session end may still be pending in the agent: finish it */
        if (off == n) {
            hm_agent_input(&agent, (const uint8_t *)"\n", 1);
            out = hal_mem_output(&out_len);
        }
        if (response_check(out, out_len, &stats, why, sizeof why) != 0) {
            fprintf(stderr, "fuzz-lines: session %lu (seed 0x%lx): %s\n", it, seed, why);
            fwrite(input, 1, n, stderr);
            return 1;
        }
        hal_mem_output_clear();
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("fuzz-lines: %lu sessions, %lu bytes in, %lu lines out (%lu OK, %lu ERROR, %lu info) in %.1f s CPU, seed 0x%lx\n", iterations,
           bytes_in, stats.lines, stats.ok, stats.errors, stats.infos, secs, seed);
    printf("fuzz-lines: errors by code:");
    for (int k = 1; k < HM_E_COUNT; k++)
        if (stats.by_code[k]) printf(" %s=%lu", hm_error_name((hm_status)k), stats.by_code[k]);
    printf("\n");
    hm_agent_free(&agent);
    test_pki_free(&pki);
    return 0;
}
