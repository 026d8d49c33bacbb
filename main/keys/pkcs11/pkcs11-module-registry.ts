import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import pkcs11js from 'pkcs11js';
import type { PKCS11 } from 'pkcs11js';
import { KeyError } from '../key-errors.js';
import { isCkr, toPkcs11KeyError } from './pkcs11-errors.js';
import { identifyImplementation, type Pkcs11LibraryInfo } from './pkcs11-implementation.js';
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
 *
 * Library parameters (NSS softokn's database directory) are part of the initialization, and
 * a library is initialized once per process: the same .so asked for with other parameters
 * while it is loaded would silently be the first configuration's library (a second
 * C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED). So the registry stays keyed by
 * the module file, remembers the parameters it initialized with, and refuses different
 * ones (PKCS11_MODULE_IN_USE) until the last holder lets go.
 */

interface Login {
  holders: number;
  /** keyed digest of the PIN that logged in, so a later holder's PIN is still checked */
  pinDigest: Buffer;
}

interface Entry {
  readonly path: string;
  readonly pkcs11: Pkcs11;
  /** what C_Initialize was given; undefined for none */
  readonly libraryParameters: string | undefined;
  readonly library: Pkcs11LibraryInfo;
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
  /** the module's C_GetInfo and which implementation it is */
  readonly library: Pkcs11LibraryInfo;
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

function load(path: string, key: string, libraryParameters: string | undefined): Entry {
  const pkcs11 = new pkcs11js.PKCS11();
  try {
    pkcs11.load(key);
  } catch (e) {
    throw new KeyError('PKCS11_MODULE', `cannot load the PKCS#11 module ${path}: ${(e as Error).message}`, 'environment');
  }
  let ownsInitialize = true;
  try {
    pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK, ...(libraryParameters !== undefined ? { libraryParameters } : {}) });
  } catch (e) {
    // Initialized by someone else in this process: usable only when no parameters had to be
    // given, because which configuration that initialization used cannot be asked.
    if (isCkr(e, 'CKR_CRYPTOKI_ALREADY_INITIALIZED') && libraryParameters === undefined) {
      ownsInitialize = false;
    } else {
      try {
        pkcs11.close();
      } catch {
        // already failing; the initialize error is the one to report
      }
      if (isCkr(e, 'CKR_CRYPTOKI_ALREADY_INITIALIZED')) {
        throw new KeyError(
          'PKCS11_MODULE_IN_USE',
          `the PKCS#11 module ${path} is already initialized in this process by other code, so the library parameters given for it cannot take effect`,
          'environment',
        );
      }
      throw new KeyError('PKCS11_MODULE', `the PKCS#11 module ${path} loaded but failed to initialize: ${(e as Error).message}`, 'environment');
    }
  }
  let library: Pkcs11LibraryInfo;
  try {
    library = identifyImplementation(pkcs11.C_GetInfo());
  } catch {
    library = { manufacturer: '', description: '', implementation: 'other' };
  }
  return { path, pkcs11, libraryParameters, library, ownsInitialize, refs: 0, logins: new Map() };
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

export function acquirePkcs11Module(modulePath: string, libraryParameters?: string): Pkcs11ModuleLease {
  const key = registryKey(modulePath);
  let entry = entries.get(key);
  if (!entry) {
    // Nothing is dlopen'ed that the allow-list and the file rules do not admit (pkcs11-module-policy.ts).
    assertLoadablePkcs11Module(modulePath);
    entry = load(modulePath, key, libraryParameters);
    entries.set(key, entry);
  } else if (entry.libraryParameters !== libraryParameters) {
    throw new KeyError(
      'PKCS11_MODULE_IN_USE',
      `the PKCS#11 module ${modulePath} is open in this process with ${entry.libraryParameters === undefined ? 'no library parameters' : 'other library parameters'}; a library is initialized once per process, so close what uses it before opening it with ${libraryParameters === undefined ? 'none' : 'these'}`,
      'environment',
    );
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    path: modulePath,
    pkcs11: e.pkcs11,
    library: e.library,
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
        // A TPM counts wrong PINs against the whole chip (dictionary-attack protection), not the token's PIN.
        if (e.library.implementation === 'tpm2-pkcs11' && isCkr(err, 'CKR_PIN_LOCKED')) throw tpmLockout(token);
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

function tpmLockout(token: string): KeyError {
  return new KeyError(
    'PKCS11_TPM_LOCKOUT',
    `the TPM behind token ${token} is in dictionary-attack lockout after too many wrong PINs: it refuses every PIN, the right one included, until its recovery time has passed or its owner clears the lockout (tpm2_dictionarylockout --clear-lockout); further attempts only prolong it`,
    'environment',
  );
}

/** Runs `fn` with the module loaded, releasing it afterwards (for one-shot calls such as listing tokens). */
export function withPkcs11Module<T>(modulePath: string, fn: (lease: Pkcs11ModuleLease) => T, libraryParameters?: string): T {
  const lease = acquirePkcs11Module(modulePath, libraryParameters);
  try {
    return fn(lease);
  } finally {
    lease.release();
  }
}
