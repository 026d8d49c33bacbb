/*
 * tls-client: the device proving its identity. It connects with mbedTLS as a TLS client,
 * authenticating with the IDevID chain and key from its store, verifies the server
 * against --server-ca, sends one line of application data and reads one line back, and
 * prints one JSON line: {"ok":true,"version":…,"ciphersuite":…,…}.
 *
 * TLS 1.2 only on Debian's mbedTLS 2.28: its config.h leaves
 * MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL off (and 2.28's TLS 1.3 prototype has no client
 * authentication anyway), so --tls1.3 fails with a message saying so.
 */
#define _DEFAULT_SOURCE

#include "tls_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "hal_posix.h"
#include "json_out.h"
#include "hm_chain_verify.h"
#include "hm_key.h"
#include "hm_rng.h"
#include "hm_store.h"

static int fail(const char *what, int ret)
{
    char err[200];
    mbedtls_strerror(ret, err, sizeof err);
    fprintf(stderr, "hallmark-agent: tls-client: %s: %s (-0x%04x)\n", what, err, (unsigned)(ret < 0 ? -ret : ret));
    return 1;
}

static int usage(const char *why)
{
    fprintf(stderr, "hallmark-agent: tls-client: %s\n", why);
    fprintf(stderr,
            "usage: hallmark-agent tls-client --store FILE --server-ca CA.pem --connect HOST:PORT\n"
            "                                 [--tls1.2 | --tls1.3] [--server-name NAME] [--send TEXT] [--timeout MS]\n");
    return 2;
}


int tls_client_main(int argc, char **argv)
{
    const char *store = 0, *ca = 0, *connect = 0, *server_name = 0, *send = "hello from hallmark-agent";
    int tls13 = 0;
    unsigned long timeout_ms = 10000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--store") ? &store : !strcmp(a, "--server-ca") ? &ca : !strcmp(a, "--connect") ? &connect
                          : !strcmp(a, "--server-name") ? &server_name : !strcmp(a, "--send") ? &send : 0;
        if (slot) {
            if (i + 1 >= argc) return usage("an option lacks its value");
            *slot = argv[++i];
        } else if (!strcmp(a, "--tls1.2")) {
            tls13 = 0;
        } else if (!strcmp(a, "--tls1.3")) {
            tls13 = 1;
        } else if (!strcmp(a, "--timeout")) {
            if (i + 1 >= argc) return usage("--timeout lacks its value");
            timeout_ms = strtoul(argv[++i], 0, 10);
        } else {
            return usage("unknown option");
        }
    }
    if (!store || !ca || !connect) return usage("--store, --server-ca and --connect are required");
    if (strlen(send) > 1000 || strchr(send, '\n')) return usage("--send takes one line of at most 1000 characters");

    char host[256], port[16];
    const char *colon = strrchr(connect, ':');
    if (!colon || colon == connect || strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port || (size_t)(colon - connect) >= sizeof host)
        return usage("--connect takes HOST:PORT");
    const char *h = connect;
    size_t hl = (size_t)(colon - connect);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    strcpy(port, colon + 1);

    if (tls13) {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL)
        fprintf(stderr, "hallmark-agent: tls-client: this build's TLS 1.3 (mbedTLS %s, experimental) has no client authentication\n", MBEDTLS_VERSION_STRING);
#else
        fprintf(stderr,
                "hallmark-agent: tls-client: TLS 1.3 is not available: mbedTLS %s was built without MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL\n",
                MBEDTLS_VERSION_STRING);
#endif
        return 1;
    }

    /* the device's identity, from its store */
    hal_posix_set_store(store);
    static hm_meta meta;
    static uint8_t chain[HM_MAX_CHAIN_BYTES];
    size_t chain_len;
    if (hm_store_load_meta(&meta) != HM_OK) {
        fprintf(stderr, "hallmark-agent: tls-client: %s cannot be read as a device store\n", store);
        return 1;
    }
    if (hm_store_load_chain(&meta, chain, sizeof chain, &chain_len) != HM_OK || meta.alg == HM_ALG_NONE) {
        fprintf(stderr, "hallmark-agent: tls-client: the store holds no certificate chain (state %s)\n", hm_state_name(&meta));
        return 1;
    }
    hm_key key;
    hm_key_init(&key);
    if (hm_key_load(&key, (hm_alg)meta.alg, meta.key_der, meta.key_len) != HM_OK) {
        fprintf(stderr, "hallmark-agent: tls-client: the stored key does not load\n");
        return 1;
    }
    hm_meta_wipe(&meta);

    int rc = 1, ret;
    mbedtls_x509_crt own, cacert;
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    hm_rng rng;
    mbedtls_x509_crt_init(&own);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_net_init(&net);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    int rng_ok = 0;

    size_t offs[HM_MAX_CHAIN_CERTS], lens[HM_MAX_CHAIN_CERTS];
    int n = hm_chain_split(chain, chain_len, offs, lens, HM_MAX_CHAIN_CERTS);
    if (n <= 0) {
        fprintf(stderr, "hallmark-agent: tls-client: the stored chain is not DER certificates\n");
        goto out;
    }
    for (int i = 0; i < n; i++)
        if ((ret = mbedtls_x509_crt_parse_der(&own, chain + offs[i], lens[i])) != 0) {
            fail("the stored chain does not parse", ret);
            goto out;
        }
    if ((ret = mbedtls_x509_crt_parse_file(&cacert, ca)) != 0) {
        fail("--server-ca does not parse", ret);
        goto out;
    }
    if ((ret = hm_rng_init(&rng, "hallmark tls-client")) != 0) {
        fail("the random source failed", ret);
        goto out;
    }
    rng_ok = 1;

    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        fail("ssl config", ret);
        goto out;
    }
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &cacert, 0);
    mbedtls_ssl_conf_rng(&conf, hm_rng_random, &rng);
    mbedtls_ssl_conf_read_timeout(&conf, (uint32_t)timeout_ms);
    if ((ret = mbedtls_ssl_conf_own_cert(&conf, &own, &key.pk)) != 0) {
        fail("own certificate", ret);
        goto out;
    }
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        fail("ssl setup", ret);
        goto out;
    }
    /* the name the server certificate must carry: --server-name, else a non-numeric host */
    const char *name = server_name;
    if (!name && strspn(host, "0123456789.") != strlen(host) && !strchr(host, ':')) name = host;
    if (!name)
        fprintf(stderr, "hallmark-agent: tls-client: warning: no --server-name, so the server certificate is checked against "
                        "--server-ca only, not for a name (mbedTLS 2.28 does not match iPAddress names)\n");
    if ((ret = mbedtls_ssl_set_hostname(&ssl, name)) != 0) {
        fail("server name", ret);
        goto out;
    }
    if ((ret = mbedtls_net_connect(&net, host, port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        fail("connect", ret);
        goto out;
    }
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, 0, mbedtls_net_recv_timeout);

    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        fail("TLS handshake failed", ret);
        uint32_t flags = mbedtls_ssl_get_verify_result(&ssl);
        if (flags != 0 && flags != (uint32_t)-1) {
            char info[512];
            if (mbedtls_x509_crt_verify_info(info, sizeof info, "  server certificate: ", flags) > 0) fputs(info, stderr);
        }
        goto out;
    }

    char line[1024 + 2];
    size_t sl = strlen(send);
    memcpy(line, send, sl);
    line[sl] = '\n';
    size_t off = 0;
    while (off < sl + 1) {
        ret = mbedtls_ssl_write(&ssl, (const unsigned char *)line + off, sl + 1 - off);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        if (ret < 0) {
            fail("write", ret);
            goto out;
        }
        off += (size_t)ret;
    }
    char reply[1024 + 1];
    size_t got = 0;
    for (;;) {
        if (got > 0 && reply[got - 1] == '\n') break;
        if (got >= sizeof reply - 1) break;
        ret = mbedtls_ssl_read(&ssl, (unsigned char *)reply + got, sizeof reply - 1 - got);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) break;
        if (ret < 0) {
            fail("read", ret);
            goto out;
        }
        got += (size_t)ret;
    }
    reply[got] = '\0';
    while (got > 0 && (reply[got - 1] == '\n' || reply[got - 1] == '\r')) reply[--got] = '\0';
    if (got == 0) {
        fprintf(stderr, "hallmark-agent: tls-client: the server sent no line back\n");
        goto out;
    }

    char peer[256] = "";
    const mbedtls_x509_crt *pc = mbedtls_ssl_get_peer_cert(&ssl);
    if (pc) mbedtls_x509_dn_gets(peer, sizeof peer, &pc->subject);
    printf("{\"ok\":true,\"version\":");
    json_out_string(mbedtls_ssl_get_version(&ssl));
    printf(",\"ciphersuite\":");
    json_out_string(mbedtls_ssl_get_ciphersuite(&ssl));
    printf(",\"server\":");
    json_out_string(peer);
    printf(",\"sent\":");
    json_out_string(send);
    printf(",\"received\":");
    json_out_string(reply);
    printf("}\n");
    fflush(stdout);
    mbedtls_ssl_close_notify(&ssl);
    rc = 0;
out:
    mbedtls_net_free(&net);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&own);
    mbedtls_x509_crt_free(&cacert);
    if (rng_ok) hm_rng_free(&rng);
    hm_key_free(&key);
    return rc;
}
