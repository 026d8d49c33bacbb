import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type KeyErrorCode =
  | 'KEY_LABEL_EXISTS'
  | 'KEY_NOT_FOUND'
  | 'KEY_LABEL_INVALID'
  | 'KEY_ALGORITHM_UNSUPPORTED'
  | 'KEY_PASSPHRASE_WRONG'
  | 'KEY_PASSPHRASE_WEAK'
  | 'KEY_FILE_INVALID'
  | 'KEY_FILE_EXISTS'
  | 'KEY_CLOSED'
  | 'PKCS11_MODULE'
  | 'PKCS11_MODULE_NOT_ALLOWED'
  | 'PKCS11_MODULE_UNSAFE'
  | 'PKCS11_TOKEN_NOT_FOUND'
  | 'PKCS11_PIN_WRONG'
  | 'PKCS11_PIN_LOCKED'
  | 'PKCS11_KEY_NOT_FOUND'
  | 'PKCS11_KEY_MISMATCH'
  | 'PKCS11_KEY_EXTRACTABLE'
  | 'PKCS11_MECHANISM_UNSUPPORTED'
  | 'PKCS11_MODULE_IN_USE'
  | 'PKCS11_PARAMETERS_INVALID'
  | 'PKCS11_TPM_LOCKOUT'
  | 'PKCS11_IMPORT_UNSUPPORTED'
  | 'PKCS11_ERROR'
  | 'SHARES_TOO_FEW'
  | 'SHARES_INVALID'
  | 'SHARE_CORRUPT'
  | 'SHARE_PASSPHRASE_WRONG'
  | 'SHARE_MISMATCH'
  | 'SHARE_DUPLICATE';

export class KeyError extends HallmarkError {
  declare readonly code: KeyErrorCode;
  constructor(code: KeyErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'KeyError';
  }
}
