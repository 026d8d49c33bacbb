/*
 * hallmark-agent: the reference device agent on POSIX.
 *
 *   hallmark-agent [--tty PATH | --stdio] --serial S --model M --store FILE --trust ROOT.pem
 *                  [--baud N] [--algs p256,p384,rsa2048] [--matter] [--quiet]
 *   hallmark-agent tls-client --store FILE --server-ca CA.pem --connect HOST:PORT
 *                  [--tls1.2 | --tls1.3] [--server-name NAME] [--send TEXT]
 *   hallmark-agent store-info --store FILE
 *   hallmark-agent --version
 *
 * Exit status: 0 the link closed (or the subcommand succeeded), 1 a runtime failure,
 * 2 a usage error.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include "hal.h"
#include "hal_posix.h"
#include "json_out.h"
#include "hm_agent.h"
#include "hm_chain_verify.h"
#include "hm_codec.h"
#include "tls_client.h"

static int usage(const char *why)
{
    if (why) fprintf(stderr, "hallmark-agent: %s\n", why);
    fprintf(stderr,
            "usage: hallmark-agent [--tty PATH | --stdio] --serial S --model M --store FILE --trust ROOT.pem\n"
            "                      [--baud N] [--algs p256,p384,rsa2048] [--matter] [--quiet]\n"
            "       hallmark-agent tls-client --store FILE --server-ca CA.pem --connect HOST:PORT\n"
            "                      [--tls1.2 | --tls1.3] [--server-name NAME] [--send TEXT]\n"
            "       hallmark-agent store-info --store FILE\n"
            "       hallmark-agent --version\n");
    return 2;
}

static const char *value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) return 0;
    return argv[++*i];
}

static int parse_algs(const char *list, unsigned *mask)
{
    char buf[64];
    if (strlen(list) >= sizeof buf) return -1;
    strcpy(buf, list);
    *mask = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(0, ",")) {
        hm_alg a = hm_alg_from_wire(tok);
        if (a == HM_ALG_NONE) return -1;
        *mask |= HM_ALG_BIT(a);
    }
    return *mask ? 0 : -1;
}

static int serve(int argc, char **argv)
{
    const char *tty = 0, *serial = 0, *model = 0, *store = 0, *trust = 0;
    int use_stdio = 0, quiet = 0, matter = 0;
    unsigned long baud = 0;
    unsigned algs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--tty") ? &tty : !strcmp(a, "--serial") ? &serial : !strcmp(a, "--model") ? &model
                          : !strcmp(a, "--store") ? &store : !strcmp(a, "--trust") ? &trust : 0;
        if (slot) {
            if (!(*slot = value(argc, argv, &i))) return usage("an option lacks its value");
        } else if (!strcmp(a, "--stdio")) {
            use_stdio = 1;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(a, "--matter")) {
            matter = 1;
        } else if (!strcmp(a, "--baud")) {
            const char *v = value(argc, argv, &i);
            char *end;
            if (!v) return usage("--baud lacks its value");
            errno = 0;
            baud = strtoul(v, &end, 10);
            if (*v == '\0' || *end != '\0' || errno || baud > 100000000ul) return usage("--baud takes bits per second (0: no pacing)");
        } else if (!strcmp(a, "--algs")) {
            const char *v = value(argc, argv, &i);
            if (!v || parse_algs(v, &algs) != 0) return usage("--algs takes a list of p256, p384, rsa2048");
        } else {
            fprintf(stderr, "hallmark-agent: unknown option %s\n", a);
            return usage(0);
        }
    }
    if (!serial || !model || !store || !trust) return usage("--serial, --model, --store and --trust are required");
    if (tty && use_stdio) return usage("--tty and --stdio exclude each other");

    hal_posix_set_quiet(quiet);
    hal_posix_set_store(store);
    hal_posix_set_baud(baud);

    size_t trust_len;
    uint8_t *trust_bytes = hal_posix_read_file(trust, 256 * 1024, &trust_len);
    if (!trust_bytes) {
        fprintf(stderr, "hallmark-agent: cannot read the trust root %s: %s\n", trust, strerror(errno));
        return 1;
    }
    /* PEM is parsed with its terminating NUL counted, DER without */
    if (strstr((const char *)trust_bytes, "-----BEGIN") != 0) trust_len += 1;

    if (tty) {
        if (hal_posix_open_tty(tty) != 0) {
            fprintf(stderr, "hallmark-agent: cannot open %s: %s\n", tty, strerror(errno));
            free(trust_bytes);
            return 1;
        }
    } else {
        hal_posix_use_stdio();
    }

    static hm_agent agent;
    hm_config cfg = {.model = model, .serial = serial, .trust = trust_bytes, .trust_len = trust_len, .algs = algs, .matter = matter};
    if (hm_agent_init(&agent, &cfg) != HM_OK) {
        free(trust_bytes);
        return 1;
    }
    hm_agent_run(&agent);
    hm_agent_free(&agent);
    free(trust_bytes);
    return 0;
}


/**
 * The Matter factory record as a commissioner's view of the device would show it (the
 * passcode included: this is the device's own storage), or null.
 */
static void print_matter(uint8_t *buf, size_t cap, char *b64)
{
    size_t len = 0;
    hm_matter_record r;
    printf(",\"matter\":");
    if (hal_storage_load(HM_BLOB_MATTER, buf, cap, &len) != HAL_OK || hm_matter_parse(buf, len, &r) != HM_OK) {
        printf("null");
        return;
    }
    char hex[65];
    printf("{\"passcode\":%lu,\"discriminator\":%u,\"iterations\":%lu,\"salt\":", (unsigned long)r.passcode, (unsigned)r.discriminator, (unsigned long)r.iterations);
    hm_b64_encode(r.salt, r.salt_len, b64);
    json_out_string(b64);
    printf(",\"verifier\":");
    hm_b64_encode(r.verifier, HM_MATTER_VERIFIER_BYTES, b64);
    json_out_string(b64);
    printf(",\"uniqueId\":");
    hm_b64_encode(r.unique_id, r.unique_id_len, b64);
    json_out_string(b64);
    printf(",\"cd\":");
    hm_b64_encode(r.cd, r.cd_len, b64);
    json_out_string(b64);
    uint8_t d[32];
    mbedtls_sha256_ret(buf, len, d, 0);
    hm_hex_encode(d, 32, hex);
    printf(",\"recordSha256\":\"%s\"}", hex);
}

static int store_info(int argc, char **argv)
{
    const char *store = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--store")) {
            if (!(store = value(argc, argv, &i))) return usage("--store lacks its value");
        } else {
            return usage("store-info takes --store FILE");
        }
    }
    if (!store) return usage("store-info takes --store FILE");
    hal_posix_set_store(store);
    static hm_meta meta;
    static uint8_t chain[HM_MAX_CHAIN_BYTES];
    static char b64[HM_B64_ENCODED_LEN(HM_MAX_CHAIN_BYTES) + 1];
    if (hm_store_load_meta(&meta) != HM_OK) {
        fprintf(stderr, "hallmark-agent: %s cannot be read as a device store\n", store);
        return 1;
    }
    hm_key key;
    hm_key_init(&key);
    if (meta.alg != HM_ALG_NONE && hm_key_load(&key, (hm_alg)meta.alg, meta.key_der, meta.key_len) != HM_OK) {
        fprintf(stderr, "hallmark-agent: the key in %s does not load\n", store);
        return 1;
    }
    char hex[65];
    printf("{\"state\":\"%s\",\"keyAlg\":", hm_state_name(&meta));
    if (key.present) {
        hm_hex_encode(key.spki_sha256, 32, hex);
        printf("\"%s\",\"spkiSha256\":\"%s\"", hm_alg_wire_name(key.alg), hex);
    } else {
        printf("null,\"spkiSha256\":null");
    }
    size_t len = 0;
    hm_status st = hm_store_load_chain(&meta, chain, sizeof chain, &len);
    if (st == HM_E_STORAGE) {
        printf("}\n");
        fprintf(stderr, "hallmark-agent: the committed chain cannot be read\n");
        return 1;
    }
    if (st == HM_OK) {
        uint8_t d[32];
        mbedtls_sha256_ret(chain, len, d, 0);
        hm_hex_encode(d, 32, hex);
        printf(",\"chainSha256\":\"%s\",\"chainBytes\":%lu,\"certificates\":[", hex, (unsigned long)len);
        size_t offs[HM_MAX_CHAIN_CERTS], lens[HM_MAX_CHAIN_CERTS];
        int n = hm_chain_split(chain, len, offs, lens, HM_MAX_CHAIN_CERTS);
        for (int i = 0; i < n; i++) {
            hm_b64_encode(chain + offs[i], lens[i], b64);
            printf("%s", i ? "," : "");
            json_out_string(b64);
        }
        printf("]");
    } else {
        printf(",\"chainSha256\":null,\"chainBytes\":0,\"certificates\":[]");
    }
    print_matter(chain, sizeof chain, b64);
    printf("}\n");
    hm_key_free(&key);
    hm_meta_wipe(&meta);
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("hallmark-agent %s (protocol %s, %s)\n", HM_FW_VERSION, HM_PROTOCOL_VERSION, MBEDTLS_VERSION_STRING_FULL);
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(0);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "tls-client")) return tls_client_main(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "store-info")) return store_info(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "serve")) return serve(argc - 1, argv + 1);
    return serve(argc, argv);
}
