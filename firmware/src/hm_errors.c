#include "hm_errors.h"

#include <string.h>

static const char *const NAMES[HM_E_COUNT] = {
    [HM_OK] = 0,
    [HM_E_SYNTAX] = "SYNTAX",
    [HM_E_LINE_TOO_LONG] = "LINE_TOO_LONG",
    [HM_E_UNKNOWN_COMMAND] = "UNKNOWN_COMMAND",
    [HM_E_UNSUPPORTED_ALG] = "UNSUPPORTED_ALG",
    [HM_E_KEYGEN_FAILED] = "KEYGEN_FAILED",
    [HM_E_NO_KEY] = "NO_KEY",
    [HM_E_BAD_SUBJECT] = "BAD_SUBJECT",
    [HM_E_BAD_NONCE] = "BAD_NONCE",
    [HM_E_SEQUENCE] = "SEQUENCE",
    [HM_E_TOO_LARGE] = "TOO_LARGE",
    [HM_E_DIGEST] = "DIGEST",
    [HM_E_CHAIN_INVALID] = "CHAIN_INVALID",
    [HM_E_STORAGE] = "STORAGE",
    [HM_E_NO_CHAIN] = "NO_CHAIN",
    [HM_E_LOCKED] = "LOCKED",
    [HM_E_INTERNAL] = "INTERNAL",
    [HM_E_NO_FACTORY_DATA] = "NO_FACTORY_DATA",
    [HM_E_BAD_RECORD] = "BAD_RECORD",
};

const char *hm_error_name(hm_status status)
{
    if (status <= HM_OK || status >= HM_E_COUNT) return 0;
    return NAMES[status];
}

int hm_error_is_known(const char *code)
{
    for (int i = 1; i < HM_E_COUNT; i++)
        if (strcmp(NAMES[i], code) == 0) return 1;
    return 0;
}
