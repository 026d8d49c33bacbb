import pkcs11js from 'pkcs11js';
import type { Template } from 'pkcs11js';
import { toPkcs11KeyError } from './pkcs11-errors.js';
import type { Pkcs11, Pkcs11Handle } from './pkcs11-module-registry.js';

/** Small typed wrappers over object search and attribute reads, which pkcs11js leaves as raw Buffers. */

export function findObjects(pkcs11: Pkcs11, session: Pkcs11Handle, template: Template, token: string): Pkcs11Handle[] {
  try {
    pkcs11.C_FindObjectsInit(session, template);
    try {
      const found: Pkcs11Handle[] = [];
      for (;;) {
        const batch = pkcs11.C_FindObjects(session, 64);
        found.push(...batch);
        if (batch.length < 64) return found;
      }
    } finally {
      pkcs11.C_FindObjectsFinal(session);
    }
  } catch (e) {
    throw toPkcs11KeyError(e, 'searching objects', token);
  }
}

export function readAttributes(pkcs11: Pkcs11, session: Pkcs11Handle, object: Pkcs11Handle, types: readonly number[], token: string): Buffer[] {
  try {
    const got = pkcs11.C_GetAttributeValue(
      session,
      object,
      types.map((type) => ({ type })),
    );
    return types.map((type) => {
      const attr = got.find((a) => a.type === type);
      if (!attr) throw new Error(`attribute 0x${type.toString(16)} missing from the answer`);
      return attr.value;
    });
  } catch (e) {
    throw toPkcs11KeyError(e, 'reading object attributes', token);
  }
}

/** CK_BBOOL is one byte; anything non-zero is true. */
export function bool(value: Buffer): boolean {
  return value.some((b) => b !== 0);
}

/** CK_ULONG in host byte order (little-endian on every platform Hallmark ships for). */
export function ulong(value: Buffer): number {
  return value.length >= 8 ? Number(value.readBigUInt64LE(0)) : value.readUInt32LE(0);
}

export function readBooleans(pkcs11: Pkcs11, session: Pkcs11Handle, object: Pkcs11Handle, types: readonly number[], token: string): boolean[] {
  return readAttributes(pkcs11, session, object, types, token).map(bool);
}

/**
 * Destroys objects a failed generation or import left on the token, so no half-accepted
 * key is found by its label later. Best effort: the error that led here is what the
 * caller reports, not a failure to clean up after it.
 */
export function destroyQuietly(pkcs11: Pkcs11, session: Pkcs11Handle, objects: readonly Pkcs11Handle[]): void {
  for (const object of objects) {
    try {
      pkcs11.C_DestroyObject(session, object);
    } catch {
      // the original error matters more
    }
  }
}

/**
 * The private-key attributes every CA key Hallmark puts on a token carries, whether the
 * token generated it or it was imported from shares: private, sensitive, never
 * extractable, and able to sign only (no decrypt, unwrap or derive).
 */
export const SIGN_ONLY_PRIVATE_KEY: Template = [
  { type: pkcs11js.CKA_PRIVATE, value: true },
  { type: pkcs11js.CKA_SENSITIVE, value: true },
  { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  { type: pkcs11js.CKA_SIGN, value: true },
  { type: pkcs11js.CKA_DECRYPT, value: false },
  { type: pkcs11js.CKA_UNWRAP, value: false },
  { type: pkcs11js.CKA_DERIVE, value: false },
];

export const CKO = { publicKey: pkcs11js.CKO_PUBLIC_KEY, privateKey: pkcs11js.CKO_PRIVATE_KEY } as const;
