/* The little DER this agent needs: read one TLV header, write headers forward. */
#ifndef HM_DER_H
#define HM_DER_H

#include <stddef.h>
#include <stdint.h>

/**
 * Reads the tag and definite length at der[0..avail): sets *header (tag + length bytes)
 * and *content_len. Refuses indefinite lengths, non-minimal long forms and lengths of
 * more than 3 bytes. 0, or -1 when malformed or the content runs past `avail`.
 */
int hm_der_read_header(const uint8_t *der, size_t avail, uint8_t *tag, size_t *header, size_t *content_len);

/** 1 when der[0..len) is exactly one DER SEQUENCE whose length matches `len`. */
int hm_der_is_one_sequence(const uint8_t *der, size_t len);

/** Bytes a header for `content_len` takes. */
size_t hm_der_header_len(size_t content_len);

/** Writes tag + length at out; returns the bytes written (1 + 1..4). */
size_t hm_der_write_header(uint8_t *out, uint8_t tag, size_t content_len);

#endif
