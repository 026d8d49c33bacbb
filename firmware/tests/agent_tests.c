/*
 * agent-tests: table-driven tests of the agent, in the manner of mbedTLS's
 * tests/suites/<name>.data: each file holds cases separated by blank lines; a case's first
 * line is its description, then
 *
 *   > TEXT        send TEXT and LF (macros and escapes \r \n \t \xHH \\ expanded)
 *   >> TEXT       send TEXT exactly, no LF added
 *   < TEXT        the next response line is TEXT (patterns {HEX64} {B64} {ANY} allowed)
 *   ! DIRECTIVE   reboot | config trust=root|other|none [algs=p256,…] | fail-saves N |
 *                 fail-save BLOB | break-loads on|off | chain VARIANT | send-chain |
 *                 send-data-from N |
 *                 csr SUBJECT NONCE | state STATE | stored-chain none|current |
 *                 remember-key | key same|changed
 *   # comment
 *
 * Macros: {FW} {MODEL} {SERIAL} {SPKI} {SUBJ} {NONCE} {CHAIN_LEN} {CHAIN_SHA256}
 * {CHAIN_B64_<n>} {CHAIN_CHUNKS} {SEQB64:<n>} (base64 of a DER SEQUENCE of n bytes)
 * {NAMEB64:<n>} (base64 of a valid X.501 Name of n bytes)
 * {REPEAT:<c>:<n>}.
 *
 * Every case starts on a blank device (in-memory HAL), and every output byte is checked:
 * lines of 0x20–0x7E ending CR LF, each one consumed by a `<` or a directive.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_csr.h>

#include "hal.h"
#include "hal_mem.h"
#include "hm_agent.h"
#include "hm_codec.h"
#include "hm_der.h"
#include "test_pki.h"

#define MAX_OUT_LINES 64

static test_pki pki;
static hm_agent *agent;
static hm_config cfg;
static char algs_text[64];

static struct {
    const char *file;
    int line;
    const char *title;
    int failed;
    char spki_remembered[65];
    uint8_t chain[HM_MAX_CHAIN_BYTES + 16];
    size_t chain_len;
    char *out[MAX_OUT_LINES];
    int out_n, out_pos;
} t;

static void fail(const char *fmt, ...)
{
    if (t.failed) return;
    t.failed = 1;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d: %s\n  ", t.file, t.line, t.title);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

/* ---- output capture ---- */

static void out_clear(void)
{
    for (int i = 0; i < t.out_n; i++) free(t.out[i]);
    t.out_n = t.out_pos = 0;
}

static void collect(void)
{
    size_t n;
    const char *o = hal_mem_output(&n);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)o[i];
        if (c == '\r') {
            if (i + 1 >= n || o[i + 1] != '\n') {
                fail("output: CR without LF");
                break;
            }
            if (t.out_n >= MAX_OUT_LINES) {
                fail("output: too many lines");
                break;
            }
            size_t len = i - start;
            char *line = malloc(len + 1);
            memcpy(line, o + start, len);
            line[len] = '\0';
            if (len == 0) fail("output: an empty line");
            t.out[t.out_n++] = line;
            i++;
            start = i + 1;
        } else if (c == '\n') {
            fail("output: LF without CR");
            break;
        } else if (c < 0x20 || c > 0x7e) {
            fail("output: byte 0x%02x", c);
            break;
        }
    }
    if (start != n && !t.failed) fail("output: an unterminated line");
    hal_mem_output_clear();
}

static const char *next_line(void)
{
    collect();
    if (t.out_pos >= t.out_n) return 0;
    return t.out[t.out_pos++];
}

/* ---- agent lifecycle ---- */

static void boot(void)
{
    if (agent) hm_agent_free(agent);
    else agent = malloc(sizeof *agent);
    if (hm_agent_init(agent, &cfg) != HM_OK) {
        fail("the agent did not initialize");
        return;
    }
    hm_agent_boot(agent);
    const char *b = next_line();
    char want[200];
    snprintf(want, sizeof want, "+BOOT: model=%s,fw=%s,proto=1", cfg.model, HM_FW_VERSION);
    if (!b || strcmp(b, want) != 0) fail("boot banner: got \"%s\", want \"%s\"", b ? b : "(nothing)", want);
}

static void set_trust(const char *kind)
{
    cfg.trust = 0;
    cfg.trust_len = 0;
    if (!strcmp(kind, "root")) {
        cfg.trust = pki.root;
        cfg.trust_len = pki.root_len;
    } else if (!strcmp(kind, "other")) {
        cfg.trust = pki.other;
        cfg.trust_len = pki.other_len;
    } else if (strcmp(kind, "none") != 0) {
        fail("unknown trust %s", kind);
    }
}

/* ---- macros ---- */

static void spki_hex(char *out)
{
    hm_hex_encode(agent->key.spki_sha256, 32, out);
}

static void chain_chunk_b64(int n, char *out)
{
    size_t off = (size_t)(n - 1) * HM_CHUNK_BYTES;
    if (n < 1 || off >= t.chain_len) {
        out[0] = '\0';
        return;
    }
    size_t len = t.chain_len - off < HM_CHUNK_BYTES ? t.chain_len - off : HM_CHUNK_BYTES;
    hm_b64_encode(t.chain + off, len, out);
}

static const uint8_t SUBJ_DER[] = {0x30, 0x2b, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x04, 'T', 'e', 's', 't',
                                   0x31, 0x1a, 0x30, 0x18, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x11, 'T', '1', '-', 'H', 'M', '-',
                                   'T', '1', '-', '0', '0', '0', '1', '-', 'x', 'y', 'z'};
#define NONCE "9f2c41d7e0b8a3f6c2d1e5a7b9c0f4e8"

/* Appends the expansion of the macro `name` (without braces); 0, or -1 if unknown (then it is a pattern). */
static int macro(const char *name, char *out, size_t cap)
{
    char buf[HM_B64_ENCODED_LEN(HM_MAX_CHAIN_BYTES) + 8];
    buf[0] = '\0';
    int n;
    char c;
    if (!strcmp(name, "FW")) snprintf(buf, sizeof buf, "%s", HM_FW_VERSION);
    else if (!strcmp(name, "MODEL")) snprintf(buf, sizeof buf, "%s", cfg.model);
    else if (!strcmp(name, "SERIAL")) snprintf(buf, sizeof buf, "%s", cfg.serial);
    else if (!strcmp(name, "SPKI")) spki_hex(buf);
    else if (!strcmp(name, "NONCE")) snprintf(buf, sizeof buf, "%s", NONCE);
    else if (!strcmp(name, "SUBJ")) hm_b64_encode(SUBJ_DER, sizeof SUBJ_DER, buf);
    else if (!strcmp(name, "CHAIN_LEN")) snprintf(buf, sizeof buf, "%lu", (unsigned long)t.chain_len);
    else if (!strcmp(name, "CHAIN_CHUNKS")) snprintf(buf, sizeof buf, "%lu", (unsigned long)((t.chain_len + HM_CHUNK_BYTES - 1) / HM_CHUNK_BYTES));
    else if (!strcmp(name, "CHAIN_SHA256")) {
        uint8_t d[32];
        mbedtls_sha256_ret(t.chain, t.chain_len, d, 0);
        hm_hex_encode(d, 32, buf);
    } else if (sscanf(name, "CHAIN_B64_%d", &n) == 1) chain_chunk_b64(n, buf);
    else if (sscanf(name, "SEQB64:%d", &n) == 1 && n >= 2 && n <= 2000) {
        uint8_t der[2000];
        size_t h = n - 2 < 0x80 ? 2 : n - 3 < 0x100 ? 3 : 4;
        size_t content = (size_t)n - h;
        der[0] = 0x30;
        if (h == 2) der[1] = (uint8_t)content;
        if (h == 3) { der[1] = 0x81; der[2] = (uint8_t)content; }
        if (h == 4) { der[1] = 0x82; der[2] = (uint8_t)(content >> 8); der[3] = (uint8_t)content; }
        memset(der + h, 0x41, content);
        hm_b64_encode(der, (size_t)n, buf);
    } else if (sscanf(name, "NAMEB64:%d", &n) == 1 && n >= 16 && n <= 1500) {
        /* a valid Name of exactly n bytes: SEQUENCE { SET { SEQUENCE { CN, UTF8String "AAA…" } } } */
        uint8_t der[1600];
        size_t got = 0;
        for (size_t L = (size_t)n; L > 0 && got != (size_t)n; L--) {
            size_t atv = 5 + hm_der_header_len(L) + L, set = hm_der_header_len(atv) + atv, rdn = hm_der_header_len(set) + set;
            got = hm_der_header_len(rdn) + rdn;
            if (got != (size_t)n) continue;
            size_t o = hm_der_write_header(der, 0x30, rdn);
            o += hm_der_write_header(der + o, 0x31, set);
            o += hm_der_write_header(der + o, 0x30, atv);
            der[o++] = 0x06; der[o++] = 0x03; der[o++] = 0x55; der[o++] = 0x04; der[o++] = 0x03;
            o += hm_der_write_header(der + o, 0x0c, L);
            memset(der + o, 'A', L);
        }
        if (got != (size_t)n) return fail("NAMEB64: no Name of %d bytes", n), 0;
        hm_b64_encode(der, (size_t)n, buf);
    } else if (sscanf(name, "REPEAT:%c:%d", &c, &n) == 2 && n >= 0 && (size_t)n < sizeof buf) {
        memset(buf, c, (size_t)n);
        buf[n] = '\0';
    } else
        return -1;
    if (strlen(out) + strlen(buf) + 1 > cap) {
        fail("macro expansion too long");
        return 0;
    }
    strcat(out, buf);
    return 0;
}

/* Expands macros and (for sends) escapes; patterns are left in place for the matcher. Returns the byte length. */
static size_t expand(const char *in, char *out, size_t cap, int escapes)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; in[i];) {
        if (in[i] == '{') {
            const char *close = strchr(in + i, '}');
            if (close) {
                char name[64];
                size_t k = (size_t)(close - (in + i) - 1);
                if (k < sizeof name) {
                    memcpy(name, in + i + 1, k);
                    name[k] = '\0';
                    out[o] = '\0';
                    if (macro(name, out, cap) == 0) {
                        o = strlen(out);
                        i += k + 2;
                        continue;
                    }
                }
            }
        }
        if (escapes && in[i] == '\\' && in[i + 1]) {
            char e = in[i + 1];
            if (e == 'x' && in[i + 2] && in[i + 3]) {
                char hx[3] = {in[i + 2], in[i + 3], 0};
                out[o++] = (char)strtol(hx, 0, 16);
                i += 4;
            } else {
                out[o++] = e == 'r' ? '\r' : e == 'n' ? '\n' : e == 't' ? '\t' : e;
                i += 2;
            }
        } else {
            out[o++] = in[i++];
        }
        if (o + 1 >= cap) {
            fail("line too long to expand");
            break;
        }
        out[o] = '\0';
    }
    out[o] = '\0';
    return o;
}

/* {HEX64} exactly 64 lowercase hex; {B64} one or more base64 characters; {ANY} anything */
static int match(const char *pat, const char *s)
{
    if (*pat == '\0') return *s == '\0';
    if (!strncmp(pat, "{HEX64}", 7)) {
        for (int i = 0; i < 64; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
        return match(pat + 7, s + 64);
    }
    if (!strncmp(pat, "{B64}", 5)) {
        size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
        for (size_t k = n; k >= 1; k--)
            if (match(pat + 5, s + k)) return 1;
        return 0;
    }
    if (!strncmp(pat, "{ANY}", 5)) {
        for (size_t k = strlen(s) + 1; k-- > 0;)
            if (match(pat + 5, s + k)) return 1;
        return 0;
    }
    return *pat == *s && match(pat + 1, s + 1);
}

/* ---- steps ---- */

static void send_bytes(const char *bytes, size_t n)
{
    hm_agent_input(agent, (const uint8_t *)bytes, n);
}

static char big[HM_B64_ENCODED_LEN(HM_MAX_CHAIN_BYTES) + 4096];

static void send_line(const char *text)
{
    size_t n = expand(text, big, sizeof big - 1, 1);
    big[n++] = '\n';
    send_bytes(big, n);
}

static void expect(const char *pattern)
{
    static char want[8192];
    expand(pattern, want, sizeof want, 0);
    const char *got = next_line();
    if (!got) {
        fail("expected \"%s\", got no more output", want);
        return;
    }
    if (!match(want, got)) fail("expected \"%s\"\n  got      \"%.300s\"", want, got);
}

static void expect_ok(const char *what)
{
    const char *got = next_line();
    if (!got || strcmp(got, "OK") != 0) fail("%s: expected OK, got \"%s\"", what, got ? got : "(nothing)");
}

static void send_data_from(size_t first)
{
    char line[1200];
    size_t chunks = (t.chain_len + HM_CHUNK_BYTES - 1) / HM_CHUNK_BYTES;
    for (size_t i = first; i <= chunks && !t.failed; i++) {
        snprintf(line, sizeof line, "HM+CHAIN=DATA,%lu,{CHAIN_B64_%lu}", (unsigned long)i, (unsigned long)i);
        send_line(line);
        expect_ok("HM+CHAIN=DATA");
    }
}

static void send_chain(void)
{
    char line[1200];
    snprintf(line, sizeof line, "HM+CHAIN=BEGIN,{CHAIN_LEN},{CHAIN_SHA256}");
    send_line(line);
    expect_ok("HM+CHAIN=BEGIN");
    size_t chunks = (t.chain_len + HM_CHUNK_BYTES - 1) / HM_CHUNK_BYTES;
    for (size_t i = 1; i <= chunks && !t.failed; i++) {
        snprintf(line, sizeof line, "HM+CHAIN=DATA,%lu,{CHAIN_B64_%lu}", (unsigned long)i, (unsigned long)i);
        send_line(line);
        expect_ok("HM+CHAIN=DATA");
    }
}

/* Sends HM+CSR and checks the CSR the way the station does (structure, signature, subject, key, nonce). */
static void check_csr(const char *subject_arg, const char *nonce_arg)
{
    static char subj_b64[2048], nonce[256], b64[8192];
    static uint8_t der[4096], subj[1024];
    expand(subject_arg, subj_b64, sizeof subj_b64, 0);
    expand(nonce_arg, nonce, sizeof nonce, 0);
    char *cmd = malloc(strlen(subj_b64) + strlen(nonce) + 16);
    sprintf(cmd, "HM+CSR=%s,%s", subj_b64, nonce);
    send_line(cmd);
    free(cmd);
    b64[0] = '\0';
    int total = -1;
    for (int i = 1;; i++) {
        const char *l = next_line();
        if (!l) return fail("+CSR: the response ended without OK");
        if (!strcmp(l, "OK")) {
            if (i - 1 != total) fail("+CSR: %d chunks announced, %d sent", total, i - 1);
            break;
        }
        int idx, n, off = 0;
        if (sscanf(l, "+CSR: %d/%d,%n", &idx, &n, &off) != 2 || off == 0 || idx != i || (total >= 0 && n != total))
            return fail("+CSR: malformed chunk line \"%.60s\"", l);
        total = n;
        if (strlen(l + off) > HM_CHUNK_CHARS || strlen(l + off) == 0) return fail("+CSR: chunk %d has %lu characters", i, (unsigned long)strlen(l + off));
        if (i < n && strlen(l + off) != HM_CHUNK_CHARS) return fail("+CSR: a chunk before the last is short");
        strcat(b64, l + off);
    }
    size_t der_len, subj_len;
    if (hm_b64_decode(b64, strlen(b64), der, sizeof der, &der_len) != 0) return fail("+CSR: not base64");
    if (hm_b64_decode(subj_b64, strlen(subj_b64), subj, sizeof subj, &subj_len) != 0) return fail("test: bad subject");
    mbedtls_x509_csr csr;
    mbedtls_x509_csr_init(&csr);
    int r = mbedtls_x509_csr_parse_der(&csr, der, der_len);
    if (r != 0) {
        mbedtls_x509_csr_free(&csr);
        return fail("CSR does not parse (-0x%04x)", (unsigned)-r);
    }
    if (csr.raw.len != der_len) fail("CSR: trailing bytes");
    if (csr.subject_raw.len != subj_len || memcmp(csr.subject_raw.p, subj, subj_len) != 0) fail("CSR: subject not verbatim");
    uint8_t a[600], b[600];
    size_t al, bl;
    if (hm_spki_der(&csr.pk, a, sizeof a, &al) || hm_spki_der(&agent->key.pk, b, sizeof b, &bl) || al != bl || memcmp(a, b, al))
        fail("CSR: not the device key");
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(csr.sig_md);
    uint8_t hash[64];
    if (!md || mbedtls_md(md, csr.cri.p, csr.cri.len, hash) || mbedtls_pk_verify(&csr.pk, csr.sig_md, hash, mbedtls_md_get_size(md), csr.sig.p, csr.sig.len))
        fail("CSR: the signature does not verify");
    mbedtls_md_type_t want_md = agent->key.alg == HM_ALG_P384 ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA256;
    if (csr.sig_md != want_md) fail("CSR: signature hash %d, want %d", (int)csr.sig_md, (int)want_md);
    /* the AlgorithmIdentifier right after the CRI: exactly the expected bytes (ECDSA: no parameters) */
    size_t alg_len;
    const uint8_t *alg = hm_key_signature_algorithm(agent->key.alg, &alg_len);
    const uint8_t *after = csr.cri.p + csr.cri.len;
    if ((size_t)(der + der_len - after) < alg_len || memcmp(after, alg, alg_len) != 0) fail("CSR: signatureAlgorithm is not the expected AlgorithmIdentifier");
    /* the CRI ends with exactly one attribute, challengePassword = the nonce, PrintableString */
    size_t nl = strlen(nonce);
    uint8_t attr[128];
    size_t k = 0;
    attr[k++] = 0xa0; attr[k++] = (uint8_t)(nl + 17);
    attr[k++] = 0x30; attr[k++] = (uint8_t)(nl + 15);
    const uint8_t oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07};
    memcpy(attr + k, oid, sizeof oid); k += sizeof oid;
    attr[k++] = 0x31; attr[k++] = (uint8_t)(nl + 2);
    attr[k++] = 0x13; attr[k++] = (uint8_t)nl;
    memcpy(attr + k, nonce, nl); k += nl;
    if (csr.cri.len < k || memcmp(csr.cri.p + csr.cri.len - k, attr, k) != 0) fail("CSR: the attributes are not exactly challengePassword=<nonce>");
    mbedtls_x509_csr_free(&csr);
}

static void stored_state(const char *want)
{
    static hm_meta m;
    if (hm_store_load_meta(&m) != HM_OK) return fail("state: the store does not load");
    if (strcmp(hm_state_name(&m), want) != 0) fail("state: stored %s, want %s", hm_state_name(&m), want);
    hm_meta_wipe(&m);
}

static void stored_chain(const char *want)
{
    static hm_meta m;
    static uint8_t c[HM_MAX_CHAIN_BYTES];
    size_t n;
    if (hm_store_load_meta(&m) != HM_OK) return fail("stored-chain: the store does not load");
    hm_status st = hm_store_load_chain(&m, c, sizeof c, &n);
    if (!strcmp(want, "none")) {
        if (st != HM_E_NO_CHAIN) fail("stored-chain: a chain is stored");
    } else if (st != HM_OK || n != t.chain_len || memcmp(c, t.chain, n) != 0) {
        fail("stored-chain: the stored chain is not the last one built");
    }
}

static void directive(char *d)
{
    char *arg = strchr(d, ' ');
    if (arg) *arg++ = '\0';
    if (!strcmp(d, "reboot")) {
        boot();
    } else if (!strcmp(d, "config")) {
        for (char *tok = strtok(arg, " "); tok; tok = strtok(0, " ")) {
            if (!strncmp(tok, "trust=", 6)) set_trust(tok + 6);
            else if (!strcmp(tok, "matter=1")) cfg.matter = 1;
            else if (!strncmp(tok, "algs=", 5)) {
                cfg.algs = 0;
                snprintf(algs_text, sizeof algs_text, "%s", tok + 5);
                for (char *a = algs_text, *next; a && *a; a = next) {
                    next = strchr(a, ',');
                    if (next) *next++ = '\0';
                    cfg.algs |= HM_ALG_BIT(hm_alg_from_wire(a));
                }
            } else
                fail("config: unknown %s", tok);
        }
        boot();
    } else if (!strcmp(d, "fail-saves") && arg) {
        hal_mem_fail_saves(atoi(arg));
    } else if (!strcmp(d, "fail-save") && arg) {
        hal_mem_fail_save_of(arg);
    } else if (!strcmp(d, "break-loads") && arg) {
        hal_mem_break_loads(!strcmp(arg, "on"));
    } else if (!strcmp(d, "chain") && arg) {
        int v = test_pki_variant(arg);
        if (v < 0) return fail("unknown chain variant %s", arg);
        if (!agent->key.present) return fail("chain: the device has no key");
        if (test_pki_chain(&pki, &agent->key.pk, (chain_variant)v, t.chain, sizeof t.chain, &t.chain_len) != 0) fail("chain: cannot build");
    } else if (!strcmp(d, "send-data-from") && arg) {
        send_data_from((size_t)atoi(arg));
    } else if (!strcmp(d, "send-chain")) {
        send_chain();
    } else if (!strcmp(d, "csr") && arg) {
        char *nonce = strchr(arg, ' ');
        if (!nonce) return fail("csr SUBJECT NONCE");
        *nonce++ = '\0';
        check_csr(arg, nonce);
    } else if (!strcmp(d, "state") && arg) {
        stored_state(arg);
    } else if (!strcmp(d, "stored-chain") && arg) {
        stored_chain(arg);
    } else if (!strcmp(d, "remember-key")) {
        spki_hex(t.spki_remembered);
    } else if (!strcmp(d, "key") && arg) {
        char now[65];
        spki_hex(now);
        int same = strcmp(now, t.spki_remembered) == 0;
        if (!strcmp(arg, "same") ? !same : same) fail("key: the key is %s", same ? "the same" : "a different one");
    } else {
        fail("unknown directive %s", d);
    }
}

static void start_case(const char *title)
{
    uint64_t seed = 1469598103934665603ull;
    for (const char *p = title; *p; p++) seed = (seed ^ (uint8_t)*p) * 1099511628211ull;
    hal_mem_reset(seed);
    hal_mem_verbose(getenv("AGENT_TESTS_VERBOSE") != 0);
    out_clear();
    t.failed = 0;
    t.chain_len = 0;
    t.title = title;
    memset(&cfg, 0, sizeof cfg);
    cfg.model = "T1";
    cfg.serial = "HM-T1-0001";
    set_trust("root");
    boot();
}

static void end_case(void)
{
    collect();
    if (t.out_pos < t.out_n) fail("unexpected output \"%.200s\"", t.out[t.out_pos]);
    out_clear();
}

static int run_file(const char *path, int *cases, int *failures)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "agent-tests: cannot open %s\n", path);
        return -1;
    }
    static char line[16384];
    static char title[512];
    int in_case = 0, lineno = 0;
    t.file = path;
    for (;;) {
        char *got = fgets(line, sizeof line, f);
        if (got) {
            lineno++;
            line[strcspn(line, "\r\n")] = '\0';
        }
        int blank = !got || line[0] == '\0';
        if (blank) {
            if (in_case) {
                end_case();
                (*cases)++;
                if (t.failed) (*failures)++;
                in_case = 0;
            }
            if (!got) break;
            continue;
        }
        if (line[0] == '#') continue;
        t.line = lineno;
        if (!in_case) {
            snprintf(title, sizeof title, "%.500s", line);
            start_case(title);
            in_case = 1;
            continue;
        }
        if (t.failed) continue;
        if (!strncmp(line, ">> ", 3)) {
            size_t n = expand(line + 3, big, sizeof big, 1);
            send_bytes(big, n);
        } else if (!strncmp(line, "> ", 2)) {
            send_line(line + 2);
        } else if (!strncmp(line, "< ", 2)) {
            expect(line + 2);
        } else if (!strncmp(line, "! ", 2)) {
            directive(line + 2);
        } else {
            fail("cannot read this line");
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: agent-tests SUITE.data…\n");
        return 2;
    }
    hal_mem_reset(7);
    if (test_pki_init(&pki) != 0) {
        fprintf(stderr, "agent-tests: cannot make the test PKI\n");
        return 1;
    }
    int cases = 0, failures = 0;
    for (int i = 1; i < argc; i++) {
        int before = cases, fb = failures;
        if (run_file(argv[i], &cases, &failures) != 0) return 1;
        printf("%-40s %3d cases, %d failed\n", argv[i], cases - before, failures - fb);
    }
    if (agent) {
        hm_agent_free(agent);
        free(agent);
    }
    out_clear();
    test_pki_free(&pki);
    printf("agent-tests: %d cases, %d failed\n", cases, failures);
    return failures == 0 && cases > 0 ? 0 : 1;
}
