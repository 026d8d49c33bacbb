/* Strict base64 (RFC 4648 §4, padded, no whitespace) and lowercase hex. */
#ifndef HM_CODEC_H
#define HM_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define HM_B64_OK 0
#define HM_B64_INVALID (-1)
#define HM_B64_TOO_LARGE (-2)

/** Encoded length of n bytes (without the NUL). */
#define HM_B64_ENCODED_LEN(n) ((((n) + 2) / 3) * 4)

/**
 * Decodes `in` (`in_len` characters): the length a multiple of 4, only the alphabet,
 * `=` only as one or two final characters, and unused bits zero (the one canonical
 * encoding), else HM_B64_INVALID. HM_B64_TOO_LARGE when the bytes exceed `cap`.
 */
int hm_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len);

/** Encodes into `out` (room for HM_B64_ENCODED_LEN(len) + 1), NUL-terminated; returns the length. */
size_t hm_b64_encode(const uint8_t *in, size_t len, char *out);

/** Writes 2*len lowercase hex characters and a NUL into `out`. */
void hm_hex_encode(const uint8_t *in, size_t len, char *out);

/** 1 when `s` (`len` characters) is lowercase hex of whole bytes (even length, 0-9 a-f). */
int hm_is_lower_hex(const char *s, size_t len);

/** Decodes lowercase hex of `len` characters (even) into len/2 bytes; 0 or -1. */
int hm_hex_decode(const char *s, size_t len, uint8_t *out);

/** 1 when s[0..len) are all decimal digits and 1 <= len <= max_digits. */
int hm_is_decimal(const char *s, size_t len, size_t max_digits);

#endif
