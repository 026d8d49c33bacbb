import type { CeremonyAckView, CeremonyResultView, CeremonyRunView } from '../../preload/api.js';
import type { CeremonyScript } from '../ceremony/ceremony-script-schema.js';

const LOG_MAX = 200;

/** The run as the screen sees it; the session mutates it as run-ceremony progresses. */
export class CeremonyRunState {
  readonly view: CeremonyRunView;

  constructor(runId: string, script: CeremonyScript, sha256: string) {
    this.view = {
      runId,
      revision: 0,
      name: script.name,
      kind: script.kind,
      scriptSha256: sha256,
      phase: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      current: 0,
      steps: script.steps.map((s) => ({ id: s.id, say: s.say, action: s.action ?? null, state: 'pending', acks: [] })),
      log: [],
      result: null,
      error: null,
    };
  }

  get running(): boolean {
    return this.view.phase === 'running';
  }

  say(text: string): void {
    const t = text.replace(/^\n+|\n+$/g, '');
    if (t === '') return;
    this.view.log.push(t);
    if (this.view.log.length > LOG_MAX) this.view.log.splice(0, this.view.log.length - LOG_MAX);
  }

  /** A step asks for acknowledgments: every step before it has finished (its action too). */
  waiting(stepId: string, acks: readonly CeremonyAckView[]): void {
    const i = this.view.steps.findIndex((s) => s.id === stepId);
    this.finishBefore(i);
    this.view.current = i;
    const step = this.view.steps[i];
    if (step) {
      step.state = 'acknowledging';
      step.acks = acks.map((a) => ({ ...a }));
    }
  }

  acknowledged(stepId: string, acks: readonly CeremonyAckView[]): void {
    const step = this.view.steps.find((s) => s.id === stepId);
    if (!step) return;
    step.acks = acks.map((a) => ({ ...a }));
    // The last signature hands the step to its action (or straight on to the next step).
    if (acks.every((a) => a.time !== null)) step.state = step.action ? 'working' : 'done';
  }

  completed(result: CeremonyResultView): void {
    this.finishBefore(this.view.steps.length);
    this.view.current = this.view.steps.length;
    this.view.phase = 'completed';
    this.view.result = result;
    this.view.finishedAt = new Date().toISOString();
  }

  aborted(code: string, message: string): void {
    const step = this.view.steps[this.view.current];
    if (step && step.state !== 'pending') step.state = 'failed';
    this.view.phase = 'aborted';
    this.view.error = { code, message };
    this.view.finishedAt = new Date().toISOString();
  }

  /** A copy, so a listener or a response never sees a later mutation. */
  touch(): void {
    this.view.revision += 1;
  }

  snapshot(): CeremonyRunView {
    return structuredClone(this.view);
  }

  private finishBefore(i: number): void {
    for (const s of this.view.steps.slice(0, i)) s.state = 'done';
  }
}
