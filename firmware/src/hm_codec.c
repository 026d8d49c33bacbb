#include "hm_codec.h"

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int hm_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    if (in_len % 4 != 0) return HM_B64_INVALID;
    size_t n = 0;
    for (size_t i = 0; i < in_len; i += 4) {
        int last = i + 4 == in_len;
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = in[i + (size_t)k];
            if (c == '=') {
                /* only in the last quartet, only in positions 2 and 3, and nothing after */
                if (!last || k < 2) return HM_B64_INVALID;
                pad++;
                v[k] = 0;
                continue;
            }
            if (pad > 0) return HM_B64_INVALID;
            v[k] = b64_value(c);
            if (v[k] < 0) return HM_B64_INVALID;
        }
        /* unused bits must be zero: a second encoding of the same bytes is refused */
        if (pad == 2 && (v[1] & 0x0f) != 0) return HM_B64_INVALID;
        if (pad == 1 && (v[2] & 0x03) != 0) return HM_B64_INVALID;
        size_t bytes = 3 - (size_t)pad;
        if (n + bytes > cap) return HM_B64_TOO_LARGE;
        uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) | (uint32_t)v[3];
        out[n++] = (uint8_t)(w >> 16);
        if (bytes > 1) out[n++] = (uint8_t)(w >> 8);
        if (bytes > 2) out[n++] = (uint8_t)w;
    }
    *out_len = n;
    return HM_B64_OK;
}

size_t hm_b64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t o = 0;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t w = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = ALPHABET[(w >> 18) & 63];
        out[o++] = ALPHABET[(w >> 12) & 63];
        out[o++] = ALPHABET[(w >> 6) & 63];
        out[o++] = ALPHABET[w & 63];
    }
    if (len - i == 1) {
        uint32_t w = (uint32_t)in[i] << 16;
        out[o++] = ALPHABET[(w >> 18) & 63];
        out[o++] = ALPHABET[(w >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2) {
        uint32_t w = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = ALPHABET[(w >> 18) & 63];
        out[o++] = ALPHABET[(w >> 12) & 63];
        out[o++] = ALPHABET[(w >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

void hm_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = HEX[in[i] >> 4];
        out[2 * i + 1] = HEX[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int hm_is_lower_hex(const char *s, size_t len)
{
    if (len == 0 || len % 2 != 0) return 0;
    for (size_t i = 0; i < len; i++)
        if (hex_value(s[i]) < 0) return 0;
    return 1;
}

int hm_hex_decode(const char *s, size_t len, uint8_t *out)
{
    if (!hm_is_lower_hex(s, len)) return -1;
    for (size_t i = 0; i < len; i += 2) out[i / 2] = (uint8_t)((hex_value(s[i]) << 4) | hex_value(s[i + 1]));
    return 0;
}

int hm_is_decimal(const char *s, size_t len, size_t max_digits)
{
    if (len == 0 || len > max_digits) return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}
