import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import pkcs11js from 'pkcs11js';
import type { PKCS11 } from 'pkcs11js';
import { KeyError } from '../key-errors.js';
import { isCkr, toPkcs11KeyError } from './pkcs11-errors.js';
import { assertLoadablePkcs11Module } from './pkcs11-module-policy.js';

export type Pkcs11 = PKCS11;
export type Pkcs11Handle = Buffer;

/**
 * One loaded, initialized PKCS#11 library per module path per process.
 *
 * Why a registry: C_Initialize / C_Finalize are process-wide for a library (a second
 * C_Initialize fails, and C_Finalize would pull the rug from every other user), and the
 * login state is per application and token, not per session (C_Logout in one session
 * logs out all of them). So generating a key while another key on the same token is
 * open, or opening two keys on one token, must share the library and the login.
 *
 * CKF_OS_LOCKING_OK matters: pkcs11js runs C_SignAsync on libuv worker threads, and
 * SoftHSM without a locking model crashes when two of them sign at once.
 */

interface Login {
  holders: number;
  /** keyed digest of the PIN that logged in, so a later holder's PIN is still checked */
  pinDigest: Buffer;
}

interface Entry {
  readonly path: string;
  readonly pkcs11: Pkcs11;
  /** false when the library was already initialized by someone else: then we must not finalize it */
  readonly ownsInitialize: boolean;
  refs: number;
  readonly logins: Map<string, Login>;
}

const entries = new Map<string, Entry>();
const pinKey = randomBytes(32);

export interface Pkcs11ModuleLease {
  readonly path: string;
  readonly pkcs11: Pkcs11;
  /**
   * Logs the user in to the token in `slot` through `session`, or joins an existing login
   * by this process if `pin` is the PIN it was made with. Pair with `logout`.
   */
  login(slot: Pkcs11Handle, session: Pkcs11Handle, pin: string, token: string): void;
  /** Leaves the login; the last holder's leaving logs the token out. */
  logout(slot: Pkcs11Handle, session: Pkcs11Handle): void;
  /** Idempotent; the last release finalizes and unloads the library. */
  release(): void;
}

function registryKey(modulePath: string): string {
  const abs = resolve(modulePath);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function load(path: string, key: string): Entry {
  const pkcs11 = new pkcs11js.PKCS11();
  try {
    pkcs11.load(key);
  } catch (e) {
    throw new KeyError('PKCS11_MODULE', `cannot load the PKCS#11 module ${path}: ${(e as Error).message}`, 'environment');
  }
  let ownsInitialize = true;
  try {
    pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (e) {
    if (isCkr(e, 'CKR_CRYPTOKI_ALREADY_INITIALIZED')) {
      ownsInitialize = false;
    } else {
      try {
        pkcs11.close();
      } catch {
        // already failing; the initialize error is the one to report
      }
      throw new KeyError('PKCS11_MODULE', `the PKCS#11 module ${path} loaded but failed to initialize: ${(e as Error).message}`, 'environment');
    }
  }
  return { path, pkcs11, ownsInitialize, refs: 0, logins: new Map() };
}

function unload(entry: Entry): void {
  try {
    if (entry.ownsInitialize) entry.pkcs11.C_Finalize();
  } finally {
    entry.pkcs11.close();
  }
}

function digestPin(pin: string): Buffer {
  return createHmac('sha256', pinKey).update(pin, 'utf8').digest();
}

export function acquirePkcs11Module(modulePath: string): Pkcs11ModuleLease {
  const key = registryKey(modulePath);
  let entry = entries.get(key);
  if (!entry) {
    // Nothing is dlopen'ed that the allow-list and the file rules do not admit (pkcs11-module-policy.ts).
    assertLoadablePkcs11Module(modulePath);
    entry = load(modulePath, key);
    entries.set(key, entry);
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    path: modulePath,
    pkcs11: e.pkcs11,
    login(slot, session, pin, token) {
      const slotKey = slot.toString('hex');
      const digest = digestPin(pin);
      const existing = e.logins.get(slotKey);
      if (existing) {
        // The token would not ask again (already logged in), so compare with the PIN it accepted.
        if (!timingSafeEqual(existing.pinDigest, digest)) throw new KeyError('PKCS11_PIN_WRONG', `wrong PIN on token ${token}`);
        existing.holders++;
        return;
      }
      try {
        e.pkcs11.C_Login(session, pkcs11js.CKU_USER, pin);
      } catch (err) {
        throw toPkcs11KeyError(err, 'logging in', token);
      }
      e.logins.set(slotKey, { holders: 1, pinDigest: digest });
    },
    logout(slot, session) {
      const slotKey = slot.toString('hex');
      const login = e.logins.get(slotKey);
      if (!login) return;
      if (--login.holders > 0) return;
      e.logins.delete(slotKey);
      try {
        e.pkcs11.C_Logout(session);
      } catch (err) {
        // Closing the token's last session logs out too; nothing is left to undo.
        if (!isCkr(err, 'CKR_USER_NOT_LOGGED_IN', 'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED', 'CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT')) throw err;
      }
    },
    release() {
      if (released) return;
      released = true;
      if (--e.refs > 0) return;
      entries.delete(key);
      unload(e);
    },
  };
}

/** Runs `fn` with the module loaded, releasing it afterwards (for one-shot calls such as listing tokens). */
export function withPkcs11Module<T>(modulePath: string, fn: (lease: Pkcs11ModuleLease) => T): T {
  const lease = acquirePkcs11Module(modulePath);
  try {
    return fn(lease);
  } finally {
    lease.release();
  }
}
