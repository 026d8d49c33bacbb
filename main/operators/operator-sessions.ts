import { randomBytes } from 'node:crypto';
import { OperatorError } from './operator-errors.js';
import type { VerifiedOperator } from './verified-operator.js';

/** The screen locks after this much idle time unless the workspace sets another (`hallmark account idle-lock`). */
export const DEFAULT_IDLE_LOCK_MS = 15 * 60_000;

interface Session {
  /** opaque, never sent to the renderer: it names the session in the main process's log only */
  readonly token: string;
  readonly operator: VerifiedOperator;
  readonly signedInAt: number;
  lastSeen: number;
}

export interface SessionView {
  readonly name: string;
  readonly roles: readonly string[];
  readonly signedInAt: string;
  readonly idleDeadline: string;
  readonly idleLockSeconds: number;
}

export interface OperatorSessionsOptions {
  /** read at every check, so a changed workspace setting applies to sessions already open */
  readonly idleLockMs?: () => number;
  readonly now?: () => number;
  /** a session found idle past the lock: for the audit entry */
  readonly onExpired?: (operator: VerifiedOperator, idleMs: number) => void;
}

/**
 * Who is signed in, per caller (Electron: the IPC sender's WebContents; the test host: its
 * page). The session lives only in the main process; the renderer learns "signed in as X
 * with roles Y" and nothing it could replay. A session idle longer than the lock time is
 * gone: the next request finds nobody signed in. Only what the person does counts as
 * activity (sign-in, an action, the window's activity report), never a poll.
 */
export class OperatorSessions {
  // A window's WebContents is an object: held weakly, so a closed window's session goes with it.
  readonly #byObject = new WeakMap<object, Session>();
  readonly #byKey = new Map<unknown, Session>();
  readonly #idleLockMs: () => number;
  readonly #now: () => number;
  readonly #onExpired: ((operator: VerifiedOperator, idleMs: number) => void) | undefined;

  constructor(options: OperatorSessionsOptions = {}) {
    this.#idleLockMs = options.idleLockMs ?? (() => DEFAULT_IDLE_LOCK_MS);
    this.#now = options.now ?? Date.now;
    this.#onExpired = options.onExpired;
  }

  get idleLockMs(): number {
    return this.#idleLockMs();
  }

  signIn(caller: unknown, operator: VerifiedOperator): SessionView {
    const at = this.#now();
    const s: Session = { token: randomBytes(24).toString('base64url'), operator, signedInAt: at, lastSeen: at };
    this.#set(caller, s);
    return this.view(s);
  }

  signOut(caller: unknown): VerifiedOperator | null {
    const s = this.#live(caller);
    this.#delete(caller);
    return s?.operator ?? null;
  }

  /** The signed-in operator, or null; touching it counts as activity. */
  current(caller: unknown, touch = true): VerifiedOperator | null {
    const s = this.#live(caller);
    if (s === null) return null;
    if (touch) s.lastSeen = this.#now();
    return s.operator;
  }

  /** The caller's operator for an action, or OPERATOR_NOT_SIGNED_IN. */
  require(caller: unknown, action: string): VerifiedOperator {
    const op = this.current(caller);
    if (op === null)
      throw new OperatorError(
        'OPERATOR_NOT_SIGNED_IN',
        `sign in to ${action} (nobody is signed in at this screen, or it locked after ${Math.round(this.#idleLockMs() / 1000)} s idle)`,
      );
    return op;
  }

  status(caller: unknown): SessionView | null {
    const s = this.#live(caller);
    return s === null ? null : this.view(s);
  }

  #live(caller: unknown): Session | null {
    const s = this.#get(caller);
    if (s === undefined) return null;
    const idle = this.#now() - s.lastSeen;
    if (idle > this.#idleLockMs()) {
      this.#delete(caller);
      this.#onExpired?.(s.operator, idle);
      return null;
    }
    return s;
  }

  #get(caller: unknown): Session | undefined {
    return isObject(caller) ? this.#byObject.get(caller) : this.#byKey.get(callerKey(caller));
  }

  #set(caller: unknown, s: Session): void {
    if (isObject(caller)) this.#byObject.set(caller, s);
    else this.#byKey.set(callerKey(caller), s);
  }

  #delete(caller: unknown): void {
    if (isObject(caller)) this.#byObject.delete(caller);
    else this.#byKey.delete(callerKey(caller));
  }

  private view(s: Session): SessionView {
    const idleMs = this.#idleLockMs();
    return {
      name: s.operator.name,
      roles: s.operator.roles,
      signedInAt: new Date(s.signedInAt).toISOString(),
      idleDeadline: new Date(s.lastSeen + idleMs).toISOString(),
      idleLockSeconds: Math.round(idleMs / 1000),
    };
  }
}

function isObject(caller: unknown): caller is object {
  return (typeof caller === 'object' && caller !== null) || typeof caller === 'function';
}

/** A face without a caller (a test calling the handlers) is one anonymous caller. */
const NO_CALLER = Symbol('no caller');
function callerKey(caller: unknown): unknown {
  return caller ?? NO_CALLER;
}
