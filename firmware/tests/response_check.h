/* What any agent output must look like, whatever the input: used by fuzz-lines and the libFuzzer entry. */
#ifndef RESPONSE_CHECK_H
#define RESPONSE_CHECK_H

#include <stddef.h>

typedef struct {
    unsigned long lines, ok, errors, infos;
    unsigned long by_code[32];
} response_stats;

/**
 * Checks `out` (`len` bytes): only CR LF terminated lines of 0x20–0x7E, each one `OK`,
 * `ERROR <CODE>` with a code from the table, or a well-formed `+NAME: payload` line of
 * this protocol; information lines are always followed by a final result. 0, or -1 with
 * the reason in `why`.
 */
int response_check(const char *out, size_t len, response_stats *stats, char *why, size_t why_cap);

#endif
