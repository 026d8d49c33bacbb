import { KeyError } from '../key-errors.js';

/**
 * Turns whatever pkcs11js threw into a KeyError. pkcs11js reports a failed call as an
 * Error whose message is the bare CKR_* name, which says nothing about which token or
 * step failed, so the caller's context is added here.
 */

/** The CKR_* name carried by a pkcs11js error, if it is one. */
export function ckrName(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const m = /\b(CKR_[A-Z0-9_]+)\b/.exec(e.message);
  return m?.[1];
}

export function isCkr(e: unknown, ...names: string[]): boolean {
  const name = ckrName(e);
  return name !== undefined && names.includes(name);
}

/**
 * @param doing what was being attempted, e.g. "logging in"
 * @param token how to name the token in the message, e.g. `"CA-1" (serial 0123…)`
 */
export function toPkcs11KeyError(e: unknown, doing: string, token?: string): KeyError {
  if (e instanceof KeyError) return e;
  const on = token ? ` on token ${token}` : '';
  const name = ckrName(e);
  switch (name) {
    case 'CKR_PIN_INCORRECT':
      return new KeyError('PKCS11_PIN_WRONG', `wrong PIN${on}`);
    case 'CKR_PIN_LEN_RANGE':
      return new KeyError('PKCS11_PIN_WRONG', `wrong PIN${on}: its length is outside what the token accepts`);
    case 'CKR_PIN_LOCKED':
      // A further wrong attempt cannot help; only the security officer can unlock it.
      return new KeyError('PKCS11_PIN_LOCKED', `the user PIN${on} is locked after too many wrong attempts; the token's security officer must unblock it`);
    case 'CKR_PIN_EXPIRED':
      return new KeyError('PKCS11_PIN_LOCKED', `the user PIN${on} has expired and must be changed before use`);
    case 'CKR_MECHANISM_INVALID':
    case 'CKR_MECHANISM_PARAM_INVALID':
      return new KeyError('PKCS11_MECHANISM_UNSUPPORTED', `${doing}${on} failed: the token refused the mechanism (${name})`, 'environment');
    case undefined: {
      const msg = e instanceof Error ? e.message : String(e);
      return new KeyError('PKCS11_ERROR', `${doing}${on} failed: ${msg}`, 'environment');
    }
    default:
      return new KeyError('PKCS11_ERROR', `${doing}${on} failed: ${name}`, 'environment', { ckr: name });
  }
}
