#include "response_check.h"

#include <stdio.h>
#include <string.h>

#include "hm_errors.h"

static int is_hex64(const char *s)
{
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

static int kv_ok(const char *s, const char *const *required)
{
    /* key=value pairs separated by ',': keys [a-z][a-z0-9_]*, values without , or = */
    char keys[16][16];
    int nkeys = 0;
    const char *p = s;
    for (;;) {
        const char *k = p;
        if (!(*p >= 'a' && *p <= 'z')) return 0;
        while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_') p++;
        if (*p != '=' || p - k >= 16 || nkeys >= 16) return 0;
        memcpy(keys[nkeys], k, (size_t)(p - k));
        keys[nkeys][p - k] = '\0';
        nkeys++;
        p++;
        while (*p && *p != ',' && *p != '=') p++;
        if (*p == '=') return 0;
        if (*p == '\0') break;
        p++;
    }
    for (int i = 0; required[i]; i++) {
        int found = 0;
        for (int k = 0; k < nkeys; k++) found |= !strcmp(keys[k], required[i]);
        if (!found) return 0;
    }
    return 1;
}

static int info_ok(const char *line)
{
    static const char *const ident_keys[] = {"model", "serial", "fw", "proto", "state", "matter", 0};
    static const char *const boot_keys[] = {"model", "fw", "proto", 0};
    if (!strncmp(line, "+IDENT: ", 8)) {
        const char *s = line + 8;
        return kv_ok(s, ident_keys) && strstr(s, ",proto=1,state=") != 0 &&
               (strstr(s, "state=blank") || strstr(s, "state=keyed") || strstr(s, "state=provisioned") || strstr(s, "state=locked"));
    }
    if (!strncmp(line, "+BOOT: ", 7)) return kv_ok(line + 7, boot_keys);
    if (!strncmp(line, "+SYNC: ", 7)) {
        size_t n = strlen(line + 7);
        return n >= 1 && n <= 32 && strspn(line + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == n;
    }
    if (!strncmp(line, "+KEYGEN: ", 9)) return strlen(line + 9) == 64 && is_hex64(line + 9);
    if (!strncmp(line, "+READBACK: ", 11)) return strlen(line + 11) == 129 && is_hex64(line + 11) && line[75] == ',' && is_hex64(line + 76);
    if (!strncmp(line, "+MATTER: ", 9)) return strlen(line + 9) == 129 && is_hex64(line + 9) && line[73] == ',' && is_hex64(line + 74);
    if (!strncmp(line, "+CSR: ", 6)) {
        int i, n, off = 0;
        if (sscanf(line + 6, "%2d/%2d,%n", &i, &n, &off) != 2 || off == 0 || i < 1 || i > n || n > 16) return 0;
        const char *b = line + 6 + off;
        size_t bl = strlen(b);
        return bl >= 1 && bl <= 512 && strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == bl;
    }
    return 0;
}

int response_check(const char *out, size_t len, response_stats *st, char *why, size_t cap)
{
    char line[1100];
    size_t start = 0;
    int pending_info = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c == '\r') {
            if (i + 1 >= len || out[i + 1] != '\n') return snprintf(why, cap, "CR without LF at byte %lu", (unsigned long)i), -1;
            size_t n = i - start;
            if (n == 0) return snprintf(why, cap, "an empty line"), -1;
            if (n >= 1022 + 1) return snprintf(why, cap, "a line of %lu bytes", (unsigned long)n), -1;
            memcpy(line, out + start, n);
            line[n] = '\0';
            st->lines++;
            if (!strcmp(line, "OK")) {
                st->ok++;
                pending_info = 0;
            } else if (!strncmp(line, "ERROR ", 6)) {
                if (!hm_error_is_known(line + 6)) return snprintf(why, cap, "unknown error line \"%s\"", line), -1;
                if (pending_info) return snprintf(why, cap, "information lines before \"%s\"", line), -1;
                for (int k = 1; k < HM_E_COUNT; k++)
                    if (!strcmp(hm_error_name((hm_status)k), line + 6) && k < 32) st->by_code[k]++;
                st->errors++;
            } else if (info_ok(line)) {
                st->infos++;
                if (strncmp(line, "+BOOT: ", 7) != 0) pending_info = 1;
            } else {
                return snprintf(why, cap, "a line that is none of OK, ERROR <code>, +NAME: \"%.120s\"", line), -1;
            }
            i++;
            start = i + 1;
        } else if (c == '\n') {
            return snprintf(why, cap, "LF without CR at byte %lu", (unsigned long)i), -1;
        } else if (c < 0x20 || c > 0x7e) {
            return snprintf(why, cap, "byte 0x%02x in the output", c), -1;
        }
    }
    if (start != len) return snprintf(why, cap, "an unterminated line at the end"), -1;
    if (pending_info) return snprintf(why, cap, "information lines without a final result"), -1;
    return 0;
}
