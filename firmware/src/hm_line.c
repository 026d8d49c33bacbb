#include "hm_line.h"

#define LF 0x0a
#define CR 0x0d

void hm_line_init(hm_line *line)
{
    hm_line_reset(line);
}

void hm_line_reset(hm_line *line)
{
    line->len = 0;
    line->text_len = 0;
    line->discarding = 0;
    line->bad = 0;
    line->crs = 0;
    line->text[0] = '\0';
}

hm_line_event hm_line_push(hm_line *line, uint8_t byte)
{
    if (byte == LF) {
        int was_discarding = line->discarding;
        size_t len = line->len;
        int bad = line->bad;
        unsigned crs = line->crs;
        line->len = 0;
        line->discarding = 0;
        line->bad = 0;
        line->crs = 0;
        if (was_discarding) return HM_LINE_NONE;
        if (len > 0 && line->text[len - 1] == CR) {
            len--;
            crs--;
        }
        if (bad || crs > 0) return HM_LINE_SYNTAX;
        if (len > HM_LINE_MAX_TEXT) return HM_LINE_TOO_LONG;
        if (len == 0) return HM_LINE_NONE;
        line->text[len] = '\0';
        line->text_len = len;
        return HM_LINE_READY;
    }
    if (line->discarding) return HM_LINE_NONE;
    /* 1023 bytes held and one more that is not LF: with its LF it could not fit 1024. */
    if (line->len >= HM_LINE_BYTES - 1) {
        line->len = 0;
        line->bad = 0;
        line->crs = 0;
        line->discarding = 1;
        return HM_LINE_TOO_LONG;
    }
    line->text[line->len++] = (char)byte;
    if (byte == CR)
        line->crs++;
    else if (byte < 0x20 || byte > 0x7e)
        line->bad = 1;
    return HM_LINE_NONE;
}
