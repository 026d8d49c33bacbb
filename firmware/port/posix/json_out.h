#ifndef HM_JSON_OUT_H
#define HM_JSON_OUT_H

/* Writes s to stdout as a JSON string: quotes and backslashes escaped, everything outside
 * printable ASCII as \u00XX, so a store's or a peer's bytes never reach a terminal raw. */
void json_out_string(const char *s);

#endif
