/* The device's ERROR codes (docs/device-protocol.md §4). */
#ifndef HM_ERRORS_H
#define HM_ERRORS_H

typedef enum {
    HM_OK = 0,
    HM_E_SYNTAX,
    HM_E_LINE_TOO_LONG,
    HM_E_UNKNOWN_COMMAND,
    HM_E_UNSUPPORTED_ALG,
    HM_E_KEYGEN_FAILED,
    HM_E_NO_KEY,
    HM_E_BAD_SUBJECT,
    HM_E_BAD_NONCE,
    HM_E_SEQUENCE,
    HM_E_TOO_LARGE,
    HM_E_DIGEST,
    HM_E_CHAIN_INVALID,
    HM_E_STORAGE,
    HM_E_NO_CHAIN,
    HM_E_LOCKED,
    HM_E_INTERNAL,
    HM_E_NO_FACTORY_DATA,
    HM_E_BAD_RECORD,
    HM_E_COUNT
} hm_status;

/** "SYNTAX", "LINE_TOO_LONG", … (NULL for HM_OK or out of range) */
const char *hm_error_name(hm_status status);

/** 1 when `code` (NUL-terminated) is one of the table's codes */
int hm_error_is_known(const char *code);

#endif
