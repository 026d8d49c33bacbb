import { HallmarkError } from '../errors/hallmark-error.js';

/** What a session learns from a gate: someone is now being asked, or the question was answered. */
export interface PromptGateHooks<V> {
  asking(view: V): void;
  answered(): void;
}

export interface PromptGateWording<V> {
  /** codes the screen shows when asked twice at once, or answered out of turn */
  readonly busyCode: string;
  readonly unexpectedCode: string;
  /** "a PIN or passphrase", "a typed-back share": what is never awaited when nothing is */
  readonly nothing: string;
  /** what this view asks for, for the messages */
  readonly what: (view: V) => string;
}

interface Pending<V> {
  readonly view: V;
  resolve(answer: string): void;
  reject(e: Error): void;
}

/**
 * One question at a time to one person on the screen, answered through an operation that
 * names the question's id: run-ceremony awaits the answer, the session publishes the view.
 * The answer goes straight from the request to the awaiting promise; the gate keeps no
 * copy (a PIN or passphrase must not linger), and a stale or out-of-turn answer is refused
 * rather than taken for the current question.
 */
export class PromptGate<V extends { readonly id: string }> {
  #pending: Pending<V> | null = null;
  #abort: Error | null = null;

  constructor(
    private readonly hooks: PromptGateHooks<V>,
    private readonly wording: PromptGateWording<V>,
  ) {}

  ask(view: V): Promise<string> {
    if (this.#abort) return Promise.reject(this.#abort);
    // A second question while one is open would be a run-ceremony bug; refusing it keeps one field on screen.
    if (this.#pending)
      return Promise.reject(new HallmarkError(this.wording.busyCode, `${this.wording.what(this.#pending.view)} is already awaited`, 'environment'));
    return new Promise<string>((resolve, reject) => {
      this.#pending = { view, resolve, reject };
      this.hooks.asking(view);
    });
  }

  provide(requestId: string, answer: string): void {
    const p = this.#pending;
    if (!p) throw new HallmarkError(this.wording.unexpectedCode, `the ceremony is not waiting for ${this.wording.nothing} now`, 'input');
    if (p.view.id !== requestId) {
      throw new HallmarkError(
        this.wording.unexpectedCode,
        `the ceremony is waiting for ${this.wording.what(p.view)} (request ${p.view.id}), not for request ${requestId}; the screen may be out of date`,
        'input',
      );
    }
    this.#pending = null;
    this.hooks.answered();
    p.resolve(answer);
  }

  /** Rejects the question open now and every later one. */
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
