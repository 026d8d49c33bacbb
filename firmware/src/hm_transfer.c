/*
 * The BEGIN / DATA / END framing of HM+CHAIN and HM+MATTER: chunks are kept in RAM
 * (the agent's 8 KiB transfer buffer) until END, which checks the announced length and
 * SHA-256 before the command commits anything. One transfer at a time: a BEGIN of
 * either kind discards an unfinished one, and DATA or END of the other kind is SEQUENCE.
 */
#include <string.h>

#include <mbedtls/sha256.h>

#include "hm_agent.h"
#include "hm_codec.h"

hm_status hm_transfer_begin(hm_transfer *x, hm_xfer_kind kind, size_t max, char **rest, int n)
{
    if (n != 2) return HM_E_SYNTAX;
    size_t ll = strlen(rest[0]);
    if (!hm_is_decimal(rest[0], ll, 6) || rest[0][0] == '0') return HM_E_SYNTAX;
    if (strlen(rest[1]) != 64 || !hm_is_lower_hex(rest[1], 64)) return HM_E_SYNTAX;
    size_t total = 0;
    for (size_t i = 0; i < ll; i++) total = total * 10 + (size_t)(rest[0][i] - '0');
    if (total > max || total > sizeof x->buf) return HM_E_TOO_LARGE;
    x->active = 1;
    x->kind = kind;
    x->total = total;
    x->next_seq = 1;
    x->received = 0;
    hm_hex_decode(rest[1], 64, x->sha256);
    return HM_OK;
}

hm_status hm_transfer_data(hm_transfer *x, hm_xfer_kind kind, char **rest, int n)
{
    if (!x->active || x->kind != kind) return HM_E_SEQUENCE;
    if (n != 2) return HM_E_SYNTAX;
    size_t sl = strlen(rest[0]), bl = strlen(rest[1]);
    if (!hm_is_decimal(rest[0], sl, 5) || bl > HM_CHUNK_CHARS) return HM_E_SYNTAX;
    unsigned seq = 0;
    for (size_t i = 0; i < sl; i++) seq = seq * 10 + (unsigned)(rest[0][i] - '0');
    if (seq != x->next_seq) return HM_E_SEQUENCE;
    uint8_t bytes[HM_CHUNK_BYTES];
    size_t len;
    if (bl == 0 || hm_b64_decode(rest[1], bl, bytes, sizeof bytes, &len) != HM_B64_OK || len == 0) return HM_E_SYNTAX;
    if (x->received + len > x->total) return HM_E_TOO_LARGE;
    memcpy(x->buf + x->received, bytes, len);
    x->received += len;
    x->next_seq++;
    return HM_OK;
}

hm_status hm_transfer_end(hm_transfer *x, hm_xfer_kind kind, int n)
{
    if (!x->active || x->kind != kind) return HM_E_SEQUENCE;
    if (n != 0) return HM_E_SYNTAX;
    x->active = 0;
    uint8_t digest[32];
    if (mbedtls_sha256_ret(x->buf, x->received, digest, 0) != 0) return HM_E_INTERNAL;
    if (x->received != x->total || memcmp(digest, x->sha256, 32) != 0) return HM_E_DIGEST;
    return HM_OK;
}
