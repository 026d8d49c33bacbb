import type { Pkcs11Handle } from './pkcs11-module-registry.js';

/**
 * Sessions for one opened key. A PKCS#11 session runs one operation at a time (a
 * second C_SignInit gives CKR_OPERATION_ACTIVE), so concurrent sign() calls each borrow
 * a session; the pool grows on demand up to `max` and queues callers beyond that.
 * Draining closes idle sessions at once and busy ones as they come back, then calls
 * `onDrained` so the owner can log out and release the module last.
 */
export class Pkcs11SessionPool {
  private readonly idle: Pkcs11Handle[];
  private readonly waiters: Array<{ resolve: (session: Pkcs11Handle) => void; reject: (e: unknown) => void }> = [];
  private size: number;
  private busy = 0;
  private draining = false;
  private onDrained: (() => void) | undefined;

  constructor(
    initial: Pkcs11Handle,
    private readonly open: () => Pkcs11Handle,
    private readonly close: (session: Pkcs11Handle) => void,
    private readonly max: number,
  ) {
    this.idle = [initial];
    this.size = 1;
  }

  async acquire(): Promise<Pkcs11Handle> {
    if (this.draining) throw new Error('session pool is closed');
    const ready = this.idle.pop();
    if (ready) {
      this.busy++;
      return ready;
    }
    if (this.size < this.max) {
      const session = this.open();
      this.size++;
      this.busy++;
      return session;
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
    });
  }

  /** @param broken the session failed in a way that makes it unusable (closed, device removed) */
  release(session: Pkcs11Handle, broken = false): void {
    if (broken) {
      this.close(session);
      this.size--;
      this.busy--;
      this.replaceForWaiter();
      this.checkDrained();
      return;
    }
    const next = this.draining ? undefined : this.waiters.shift();
    if (next) {
      next.resolve(session); // stays busy: handed straight to the next caller
      return;
    }
    this.busy--;
    if (this.draining) {
      this.close(session);
      this.size--;
      this.checkDrained();
    } else {
      this.idle.push(session);
    }
  }

  drain(onDrained: () => void): void {
    if (this.draining) return;
    this.draining = true;
    this.onDrained = onDrained;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('session pool is closed'));
    for (const session of this.idle.splice(0)) {
      this.close(session);
      this.size--;
    }
    this.checkDrained();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  private replaceForWaiter(): void {
    const next = this.draining ? undefined : this.waiters.shift();
    if (!next) return;
    try {
      const session = this.open();
      this.size++;
      this.busy++;
      next.resolve(session);
    } catch (e) {
      next.reject(e);
    }
  }

  private checkDrained(): void {
    if (this.draining && this.busy === 0 && this.onDrained) {
      const done = this.onDrained;
      this.onDrained = undefined;
      done();
    }
  }
}
