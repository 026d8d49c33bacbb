import { randomUUID } from 'node:crypto';
import type { CeremonySecretRequestView } from '../../preload/api.js';
import type { SecretPrompt, SecretRequest } from '../ceremony/secret-request.js';
import { PromptGate, type PromptGateHooks } from './person-prompt-gate.js';

export type SecretGateHooks = PromptGateHooks<CeremonySecretRequestView>;

/**
 * run-ceremony's SecretPrompt for the app: one secret at a time is asked on the screen at
 * the step that needs it, and the person it belongs to types it (ceremony.provideSecret).
 * The view published names what is asked, never what was typed.
 */
export class SecretGate {
  readonly #gate: PromptGate<CeremonySecretRequestView>;

  constructor(
    hooks: SecretGateHooks,
    /** who types a secret that belongs to no custodian: the token PIN is the administrator's */
    private readonly administrator: string,
  ) {
    this.#gate = new PromptGate(hooks, {
      busyCode: 'CEREMONY_SECRET_BUSY',
      unexpectedCode: 'CEREMONY_SECRET_UNEXPECTED',
      nothing: 'a PIN or passphrase',
      what: (v) => v.what,
    });
  }

  readonly prompt: SecretPrompt = (request: SecretRequest) =>
    this.#gate.ask({
      // Our own id rather than run-ceremony's alone, so an answer to an earlier prompt with a reused id never lands here.
      id: `${request.id.slice(0, 27)}-${randomUUID().slice(0, 8)}`,
      kind: request.kind,
      what: request.what,
      custodian: request.custodian,
      who: request.custodian ?? this.administrator,
      step: request.step,
    });

  provide(requestId: string, secret: string): void {
    this.#gate.provide(requestId, secret);
  }

  /** Rejects the prompt waiting now and every later one. */
  abort(e: Error): void {
    this.#gate.abort(e);
  }
}
