#include "hm_der.h"

int hm_der_read_header(const uint8_t *der, size_t avail, uint8_t *tag, size_t *header, size_t *content_len)
{
    if (avail < 2) return -1;
    *tag = der[0];
    /* high-tag-number form: not used by anything this agent reads */
    if ((der[0] & 0x1f) == 0x1f) return -1;
    uint8_t first = der[1];
    size_t len;
    size_t h;
    if (first < 0x80) {
        len = first;
        h = 2;
    } else {
        size_t n = first & 0x7f;
        if (n == 0 || n > 3 || avail < 2 + n) return -1;
        if (der[2] == 0) return -1; /* leading zero: not minimal */
        len = 0;
        for (size_t i = 0; i < n; i++) len = (len << 8) | der[2 + i];
        if (len < 0x80) return -1; /* long form for a short length: not minimal */
        h = 2 + n;
    }
    if (len > avail - h) return -1;
    *header = h;
    *content_len = len;
    return 0;
}

int hm_der_is_one_sequence(const uint8_t *der, size_t len)
{
    uint8_t tag;
    size_t header, content;
    if (hm_der_read_header(der, len, &tag, &header, &content) != 0) return 0;
    return tag == 0x30 && header + content == len;
}

size_t hm_der_header_len(size_t content_len)
{
    if (content_len < 0x80) return 2;
    if (content_len < 0x100) return 3;
    if (content_len < 0x10000) return 4;
    return 5;
}

size_t hm_der_write_header(uint8_t *out, uint8_t tag, size_t content_len)
{
    out[0] = tag;
    if (content_len < 0x80) {
        out[1] = (uint8_t)content_len;
        return 2;
    }
    if (content_len < 0x100) {
        out[1] = 0x81;
        out[2] = (uint8_t)content_len;
        return 3;
    }
    if (content_len < 0x10000) {
        out[1] = 0x82;
        out[2] = (uint8_t)(content_len >> 8);
        out[3] = (uint8_t)content_len;
        return 4;
    }
    out[1] = 0x83;
    out[2] = (uint8_t)(content_len >> 16);
    out[3] = (uint8_t)(content_len >> 8);
    out[4] = (uint8_t)content_len;
    return 5;
}
