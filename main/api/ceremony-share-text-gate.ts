import { randomUUID } from 'node:crypto';
import type { CeremonyShareTypeBackView } from '../../preload/api.js';
import type { ShareTypeBackRequest } from '../ceremony/ceremony-request.js';
import { HallmarkError } from '../errors/hallmark-error.js';

export interface ShareTextGateHooks {
  asking(request: CeremonyShareTypeBackView): void;
  answered(): void;
}

interface Pending {
  readonly view: CeremonyShareTypeBackView;
  resolve(text: string): void;
  reject(e: Error): void;
}

/**
 * run-ceremony's type-back hook for the app: one custodian at a time is asked on the
 * screen to type their share from the printed sheet (ceremony.provideShareText). The run
 * checks the text; a refused attempt comes back as a new request carrying the problem.
 */
export class ShareTextGate {
  #pending: Pending | null = null;
  #abort: Error | null = null;

  constructor(private readonly hooks: ShareTextGateHooks) {}

  readonly prompt = (request: ShareTypeBackRequest): Promise<string> => {
    if (this.#abort) return Promise.reject(this.#abort);
    if (this.#pending) return Promise.reject(new HallmarkError('CEREMONY_SHARE_TEXT_BUSY', `a share is already awaited (${this.#pending.view.custodian}'s)`, 'environment'));
    const view: CeremonyShareTypeBackView = {
      // Unique per prompt, so a late answer to a refused attempt never counts for the retry.
      id: `${request.id.slice(0, 80)}-${randomUUID().slice(0, 8)}`,
      custodian: request.custodian,
      label: request.label,
      index: request.index,
      total: request.total,
      step: request.step,
      sheet: request.sheet,
      problem: request.problem ?? null,
    };
    return new Promise<string>((resolve, reject) => {
      this.#pending = { view, resolve, reject };
      this.hooks.asking(view);
    });
  };

  provide(requestId: string, text: string): void {
    const p = this.#pending;
    if (!p) throw new HallmarkError('CEREMONY_SHARE_TEXT_UNEXPECTED', 'the ceremony is not waiting for a typed-back share now', 'input');
    if (p.view.id !== requestId) {
      throw new HallmarkError('CEREMONY_SHARE_TEXT_UNEXPECTED', `the ceremony is waiting for ${p.view.custodian}'s share (request ${p.view.id}), not for request ${requestId}; the screen may be out of date`, 'input');
    }
    this.#pending = null;
    this.hooks.answered();
    p.resolve(text);
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
