import pkcs11js from 'pkcs11js';
import type { Pkcs11Binding } from './pkcs11-binding.js';
import { toPkcs11KeyError } from './pkcs11-errors.js';
import type { Pkcs11LibraryInfo } from './pkcs11-implementation.js';
import { acquirePkcs11Module, type Pkcs11, type Pkcs11Handle, type Pkcs11ModuleLease } from './pkcs11-module-registry.js';
import { describeToken, describeTokenModel, selectToken, type Pkcs11TokenInfo } from './pkcs11-token.js';

/**
 * A logged-in session on the token a binding selects, holding its share of the module
 * and of the login. Everything that touches key objects starts here, so selection,
 * login and the release order (log out while a session is still open, then close it,
 * then let go of the library) are written once.
 */
export class Pkcs11TokenSession {
  readonly pkcs11: Pkcs11;
  readonly token: Pkcs11TokenInfo;
  readonly slotHandle: Pkcs11Handle;
  /** the session that logged in; also usable for object lookups and signing */
  readonly session: Pkcs11Handle;
  /** `"label" (serial S)` for messages */
  readonly name: string;
  /** `"label" (serial S, manufacturer model)`, for refusals about what the token can hold */
  readonly nameWithModel: string;
  readonly library: Pkcs11LibraryInfo;
  private closed = false;

  private constructor(
    private readonly lease: Pkcs11ModuleLease,
    slotHandle: Pkcs11Handle,
    token: Pkcs11TokenInfo,
    session: Pkcs11Handle,
  ) {
    this.pkcs11 = lease.pkcs11;
    this.slotHandle = slotHandle;
    this.token = token;
    this.session = session;
    this.name = describeToken(token);
    this.nameWithModel = describeTokenModel(token);
    this.library = lease.library;
  }

  /**
   * @param readWrite true to create or destroy objects; signing needs only read-only
   * @param checkToken runs before login, so a token the caller will refuse anyway never
   *   sees the PIN (and never counts a wrong attempt against its retry limit)
   * @param labelHint the label to tell apart tokens that share the binding's serial (a key record's token label)
   */
  static open(
    binding: Pkcs11Binding,
    readWrite: boolean,
    checkToken?: (token: Pkcs11TokenInfo, library: Pkcs11LibraryInfo) => void,
    labelHint?: string,
  ): Pkcs11TokenSession {
    const lease = acquirePkcs11Module(binding.modulePath, binding.libraryParameters);
    let session: Pkcs11Handle | undefined;
    try {
      const { slotHandle, info } = selectToken(lease.pkcs11, binding, labelHint);
      checkToken?.(info, lease.library);
      const name = describeToken(info);
      session = openSession(lease.pkcs11, slotHandle, readWrite, name);
      lease.login(slotHandle, session, binding.pin, name);
      return new Pkcs11TokenSession(lease, slotHandle, info, session);
    } catch (e) {
      if (session) closeQuietly(lease.pkcs11, session);
      lease.release();
      throw e;
    }
  }

  /** The token's mechanisms, as it reports them (what it can do is asked, never assumed). */
  mechanisms(): number[] {
    try {
      return this.pkcs11.C_GetMechanismList(this.slotHandle);
    } catch (e) {
      throw toPkcs11KeyError(e, 'listing mechanisms', this.name);
    }
  }

  /** C_GetMechanismInfo's key sizes, or undefined when the token does not answer for the mechanism. */
  keySizes(mechanism: number): { min: number; max: number } | undefined {
    try {
      const info = this.pkcs11.C_GetMechanismInfo(this.slotHandle, mechanism);
      return { min: info.minKeySize, max: info.maxKeySize };
    } catch {
      return undefined;
    }
  }

  /** Another session on the same token; it shares the login (PKCS#11 logins are per application). */
  openExtraSession(readWrite = false): Pkcs11Handle {
    return openSession(this.pkcs11, this.slotHandle, readWrite, this.name);
  }

  closeExtraSession(session: Pkcs11Handle): void {
    if (session !== this.session) closeQuietly(this.pkcs11, session);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.lease.logout(this.slotHandle, this.session);
    } finally {
      closeQuietly(this.pkcs11, this.session);
      this.lease.release();
    }
  }
}

function openSession(pkcs11: Pkcs11, slot: Pkcs11Handle, readWrite: boolean, name: string): Pkcs11Handle {
  try {
    return pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | (readWrite ? pkcs11js.CKF_RW_SESSION : 0));
  } catch (e) {
    throw toPkcs11KeyError(e, 'opening a session', name);
  }
}

function closeQuietly(pkcs11: Pkcs11, session: Pkcs11Handle): void {
  try {
    pkcs11.C_CloseSession(session);
  } catch {
    // The session is gone either way (token removed, library already finalized).
  }
}
