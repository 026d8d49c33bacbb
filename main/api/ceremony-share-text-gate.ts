import { randomUUID } from 'node:crypto';
import type { CeremonyShareTypeBackView } from '../../preload/api.js';
import type { ShareTypeBackRequest } from '../ceremony/ceremony-request.js';
import { PromptGate, type PromptGateHooks } from './person-prompt-gate.js';

export type ShareTextGateHooks = PromptGateHooks<CeremonyShareTypeBackView>;

/**
 * run-ceremony's type-back hook for the app: one custodian at a time is asked on the
 * screen to type their share from the printed sheet (ceremony.provideShareText). The run
 * checks the text; a refused attempt comes back as a new request carrying the problem.
 */
export class ShareTextGate {
  readonly #gate: PromptGate<CeremonyShareTypeBackView>;

  constructor(hooks: ShareTextGateHooks) {
    this.#gate = new PromptGate(hooks, {
      busyCode: 'CEREMONY_SHARE_TEXT_BUSY',
      unexpectedCode: 'CEREMONY_SHARE_TEXT_UNEXPECTED',
      nothing: 'a typed-back share',
      what: (v) => `${v.custodian}'s share`,
    });
  }

  readonly prompt = (request: ShareTypeBackRequest): Promise<string> =>
    this.#gate.ask({
      // Unique per prompt, so a late answer to a refused attempt never counts for the retry.
      id: `${request.id.slice(0, 80)}-${randomUUID().slice(0, 8)}`,
      custodian: request.custodian,
      label: request.label,
      index: request.index,
      total: request.total,
      step: request.step,
      sheet: request.sheet,
      problem: request.problem ?? null,
    });

  provide(requestId: string, text: string): void {
    this.#gate.provide(requestId, text);
  }

  /** Rejects the prompt waiting now and every later one. */
  abort(e: Error): void {
    this.#gate.abort(e);
  }
}
