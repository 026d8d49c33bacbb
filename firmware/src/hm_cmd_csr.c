/* HM+CSR=<subject-b64>,<nonce-hex>: the CSR for the key held, in +CSR: i/n chunks. */
#include <string.h>

#include "hm_agent.h"
#include "hm_codec.h"
#include "hm_csr.h"
#include "hm_der.h"

hm_status hm_cmd_csr(hm_agent *agent, char *arg)
{
    uint8_t subject[HM_MAX_SUBJECT_BYTES];
    size_t subject_len;
    static uint8_t der[HM_MAX_CSR_DER];
    static char b64[HM_B64_ENCODED_LEN(HM_MAX_CSR_DER) + 1];
    size_t der_len;

    if (agent->meta.locked) return HM_E_LOCKED;
    if (!agent->key.present) return HM_E_NO_KEY;
    if (arg == 0) return HM_E_SYNTAX;
    char *parts[2];
    if (hm_split(arg, ',', parts, 2) != 2) return HM_E_SYNTAX;
    const char *subject_b64 = parts[0], *nonce = parts[1];

    size_t sl = strlen(subject_b64);
    if (sl == 0 || hm_b64_decode(subject_b64, sl, subject, sizeof subject, &subject_len) != HM_B64_OK ||
        !hm_der_is_one_sequence(subject, subject_len))
        return HM_E_BAD_SUBJECT;
    size_t nl = strlen(nonce);
    if (nl < HM_NONCE_MIN_HEX || nl > HM_NONCE_MAX_HEX || !hm_is_lower_hex(nonce, nl)) return HM_E_BAD_NONCE;

    hm_status st = hm_csr_build(&agent->key, subject, subject_len, nonce, nl, der, sizeof der, &der_len, hm_rng_random, &agent->rng);
    if (st != HM_OK) return st;
    size_t total = hm_b64_encode(der, der_len, b64);
    size_t chunks = (total + HM_CHUNK_CHARS - 1) / HM_CHUNK_CHARS;
    if (chunks == 0 || chunks > HM_MAX_CSR_CHUNKS) return HM_E_INTERNAL;

    char line[32 + HM_CHUNK_CHARS];
    for (size_t i = 0; i < chunks; i++) {
        size_t off = i * HM_CHUNK_CHARS;
        size_t n = total - off < HM_CHUNK_CHARS ? total - off : HM_CHUNK_CHARS;
        /* "+CSR: i/n," then the chunk */
        size_t k = 0;
        const char *head = "+CSR: ";
        memcpy(line, head, 6);
        k = 6;
        if (i + 1 >= 10) line[k++] = (char)('0' + (i + 1) / 10);
        line[k++] = (char)('0' + (i + 1) % 10);
        line[k++] = '/';
        if (chunks >= 10) line[k++] = (char)('0' + chunks / 10);
        line[k++] = (char)('0' + chunks % 10);
        line[k++] = ',';
        memcpy(line + k, b64 + off, n);
        line[k + n] = '\0';
        hm_agent_send(agent, line);
    }
    return HM_OK;
}
