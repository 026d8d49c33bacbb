/*
 * Line assembly (docs/device-protocol.md §1): bytes in, command lines out.
 *
 * A line ends at LF; one CR right before it is dropped. A line may be 1024 bytes
 * including CR LF, so at most 1022 bytes of text. A longer one is reported once, as soon
 * as it cannot fit any more, and everything up to its LF is thrown away. A line with a
 * byte outside 0x20–0x7E (other than its final CR) is reported at its LF. Empty lines
 * are ignored.
 */
#ifndef HM_LINE_H
#define HM_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "hm_limits.h"

typedef enum {
    HM_LINE_NONE = 0, /* nothing to do yet */
    HM_LINE_READY,    /* a text line is in `text` (NUL-terminated, `text_len` bytes) */
    HM_LINE_TOO_LONG, /* answer ERROR LINE_TOO_LONG; the rest of the line is discarded */
    HM_LINE_SYNTAX    /* answer ERROR SYNTAX: the line held a non-text byte */
} hm_line_event;

typedef struct {
    /* the bytes before LF: 1022 of text, a CR, and the terminating NUL */
    char text[HM_LINE_BYTES];
    size_t len;      /* bytes held of the line being assembled */
    size_t text_len; /* length of the line last reported READY */
    int discarding;
    int bad;
    unsigned crs;
} hm_line;

void hm_line_init(hm_line *line);

/** Feeds one byte; HM_LINE_READY leaves the line in `line->text` until the next push. */
hm_line_event hm_line_push(hm_line *line, uint8_t byte);

/** Forgets a partial line (after a reset of the link). */
void hm_line_reset(hm_line *line);

#endif
