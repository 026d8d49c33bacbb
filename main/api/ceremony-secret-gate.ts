import { randomUUID } from 'node:crypto';
import type { CeremonySecretRequestView } from '../../preload/api.js';
import type { SecretPrompt, SecretRequest } from '../ceremony/secret-request.js';
import { HallmarkError } from '../errors/hallmark-error.js';

/** What the session learns from the gate: a secret is now awaited, or the one awaited was answered. */
export interface SecretGateHooks {
  asking(request: CeremonySecretRequestView): void;
  answered(): void;
}

interface Pending {
  readonly view: CeremonySecretRequestView;
  resolve(secret: string): void;
  reject(e: Error): void;
}

/**
 * run-ceremony's SecretPrompt for the app: one secret at a time is asked on the screen at
 * the step that needs it, and the person it belongs to types it (ceremony.provideSecret).
 * The secret goes straight from the request to run-ceremony's promise; this class keeps
 * no copy, and the view it publishes names what is asked, never what was typed.
 */
export class SecretGate {
  #pending: Pending | null = null;
  #abort: Error | null = null;

  constructor(
    private readonly hooks: SecretGateHooks,
    /** who types a secret that belongs to no custodian: the token PIN is the administrator's */
    private readonly administrator: string,
  ) {}

  readonly prompt: SecretPrompt = (request: SecretRequest) => {
    if (this.#abort) return Promise.reject(this.#abort);
    // A second request while one is pending would be a run-ceremony bug; refusing it keeps one field on screen.
    if (this.#pending) return Promise.reject(new HallmarkError('CEREMONY_SECRET_BUSY', `a secret is already awaited (${this.#pending.view.what})`, 'environment'));
    const view: CeremonySecretRequestView = {
      // Our own id rather than run-ceremony's alone, so an answer to an earlier prompt with a reused id never lands here.
      id: `${request.id.slice(0, 27)}-${randomUUID().slice(0, 8)}`,
      kind: request.kind,
      what: request.what,
      custodian: request.custodian,
      who: request.custodian ?? this.administrator,
      step: request.step,
    };
    return new Promise<string>((resolve, reject) => {
      this.#pending = { view, resolve, reject };
      this.hooks.asking(view);
    });
  };

  provide(requestId: string, secret: string): void {
    const p = this.#pending;
    if (!p) throw new HallmarkError('CEREMONY_SECRET_UNEXPECTED', 'the ceremony is not waiting for a PIN or passphrase now', 'input');
    if (p.view.id !== requestId) {
      throw new HallmarkError('CEREMONY_SECRET_UNEXPECTED', `the ceremony is waiting for ${p.view.what} (request ${p.view.id}), not for request ${requestId}; the screen may be out of date`, 'input');
    }
    this.#pending = null;
    this.hooks.answered();
    p.resolve(secret);
  }

  /** Rejects the prompt waiting now and every later one. */
  abort(e: Error): void {
    this.#abort = e;
    const p = this.#pending;
    this.#pending = null;
    if (p) {
      this.hooks.answered();
      p.reject(e);
    }
  }
}
