import { randomBytes } from 'node:crypto';
import { OperatorError } from './operator-errors.js';
import type { VerifiedOperator } from './verified-operator.js';

/** The screen locks after this much idle time unless the face asks for another (the policy's `idleLockSeconds`). */
export const DEFAULT_IDLE_LOCK_MS = 5 * 60_000;

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
  readonly idleLockSeconds: number;
}

/**
 * Who is signed in, per caller (Electron: the IPC sender's WebContents; the test host: its
 * page). The session lives only in the main process; the renderer learns "signed in as X
 * with roles Y" and nothing it could replay. A session idle longer than the lock time is
 * gone: the next request finds nobody signed in.
 */
export class OperatorSessions {
  readonly #byCaller = new Map<unknown, Session>();

  constructor(
    private readonly idleLockMs: number = DEFAULT_IDLE_LOCK_MS,
    private readonly now: () => number = Date.now,
  ) {}

  signIn(caller: unknown, operator: VerifiedOperator): SessionView {
    const at = this.now();
    const s: Session = { token: randomBytes(24).toString('base64url'), operator, signedInAt: at, lastSeen: at };
    this.#byCaller.set(callerKey(caller), s);
    return this.view(s);
  }

  signOut(caller: unknown): VerifiedOperator | null {
    const s = this.#live(caller);
    this.#byCaller.delete(callerKey(caller));
    return s?.operator ?? null;
  }

  /** The signed-in operator, or null; touching it counts as activity. */
  current(caller: unknown, touch = true): VerifiedOperator | null {
    const s = this.#live(caller);
    if (s === null) return null;
    if (touch) s.lastSeen = this.now();
    return s.operator;
  }

  /** The caller's operator for an action, or OPERATOR_NOT_SIGNED_IN. */
  require(caller: unknown, action: string): VerifiedOperator {
    const op = this.current(caller);
    if (op === null) throw new OperatorError('OPERATOR_NOT_SIGNED_IN', `sign in to ${action} (nobody is signed in at this screen, or it locked after ${Math.round(this.idleLockMs / 1000)} s idle)`);
    return op;
  }

  status(caller: unknown): SessionView | null {
    const s = this.#live(caller);
    return s === null ? null : this.view(s);
  }

  #live(caller: unknown): Session | null {
    const key = callerKey(caller);
    const s = this.#byCaller.get(key);
    if (s === undefined) return null;
    if (this.now() - s.lastSeen > this.idleLockMs) {
      this.#byCaller.delete(key);
      return null;
    }
    return s;
  }

  private view(s: Session): SessionView {
    return { name: s.operator.name, roles: s.operator.roles, signedInAt: new Date(s.signedInAt).toISOString(), idleLockSeconds: Math.round(this.idleLockMs / 1000) };
  }
}

/** A face without a caller (a test calling the handlers) is one anonymous caller. */
const NO_CALLER = Symbol('no caller');
function callerKey(caller: unknown): unknown {
  return caller ?? NO_CALLER;
}
