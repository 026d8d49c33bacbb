import type {
  CeremonyAckView,
  CeremonyResultView,
  CeremonyRunView,
  CeremonySecretRequestView,
  CeremonyShareTypeBackView,
  CeremonyStepRunView,
} from '../../preload/api.js';
import type { CeremonyScript } from '../ceremony/ceremony-script-schema.js';

const LOG_MAX = 200;
export const PREFLIGHT_CLOCK_STEP = 'preflight-clock';
const COMPARISON_SUFFIX = '-rehearsal-comparison';
const ISO_UTC = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/;

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
      steps: script.steps.map((s) => ({ id: s.id, say: s.say, action: s.action ?? null, state: 'pending', acks: [], kind: 'script' })),
      log: [],
      clockUtc: null,
      secretRequest: null,
      shareTypeBack: null,
      result: null,
      error: null,
      witnesses: [...script.participants.witnesses],
      exceptions: [],
    };
  }

  /** A resumed run: the steps the register has committed are done before anyone signs anything. */
  resumedAfter(committed: number): void {
    this.finishBefore(Math.min(committed, this.view.steps.length));
    this.view.current = Math.min(committed, this.view.steps.length);
  }

  exceptionQueued(name: string, note: string): void {
    this.view.exceptions.push({ name, note, notedAt: new Date().toISOString(), state: 'queued', step: null });
  }

  /** run-ceremony took the queued exceptions to record at `step`, oldest first. */
  exceptionsRecorded(step: string, count: number): void {
    for (const e of this.view.exceptions.filter((x) => x.state === 'queued').slice(0, count)) {
      e.state = 'recorded';
      e.step = step;
      this.say(`exception noted by witness ${e.name} at step "${step}": ${e.note}`);
    }
  }

  get running(): boolean {
    return this.view.phase === 'running';
  }

  say(text: string): void {
    const t = text.replace(/^\n+|\n+$/g, '');
    if (t === '') return;
    this.view.log.push(t);
    if (this.view.log.length > LOG_MAX) this.view.log.splice(0, this.view.log.length - LOG_MAX);
    // The pre-flight's clock line ("clock (UTC)  <time>") is what the witnesses confirm.
    if (this.view.clockUtc === null) {
      const m = /clock \(UTC\)\s+(\S+)/.exec(t);
      if (m && ISO_UTC.test(m[1]!)) this.view.clockUtc = m[1]!;
    }
  }

  /**
   * A step asks for acknowledgments: every step before it has finished (its action too).
   * run-ceremony also asks for acknowledgments that are not script steps (the clock after
   * pre-flight, a rehearsal comparison inside a signing step's action); those become rows
   * of their own, so the room sees what it signs and where in the ceremony it stands.
   */
  waiting(step: { id: string; say: string }, acks: readonly CeremonyAckView[]): void {
    let i = this.view.steps.findIndex((s) => s.id === step.id);
    if (i < 0) i = this.insertExtra(step);
    const row = this.view.steps[i]!;
    // A comparison runs inside its parent's action: the parent is still working, not done.
    const parent = row.kind === 'rehearsal-comparison' ? this.parentIndex(row.id) : -1;
    this.finishBefore(parent >= 0 ? parent : i);
    this.view.current = i;
    row.state = 'acknowledging';
    row.say = step.say;
    row.acks = acks.map((a) => ({ ...a }));
    if (row.kind === 'preflight-clock' && this.view.clockUtc === null) {
      const m = ISO_UTC.exec(step.say);
      if (m) this.view.clockUtc = m[0];
    }
  }

  acknowledged(stepId: string, acks: readonly CeremonyAckView[]): void {
    const i = this.view.steps.findIndex((s) => s.id === stepId);
    const step = this.view.steps[i];
    if (!step) return;
    step.acks = acks.map((a) => ({ ...a }));
    if (acks.every((a) => a.time !== null)) {
      // The last signature hands the step to its action (or straight on to the next step);
      // after a comparison, the room is back in its parent's action.
      step.state = step.action ? 'working' : 'done';
      const parent = step.kind === 'rehearsal-comparison' ? this.parentIndex(step.id) : -1;
      if (parent >= 0) this.view.current = parent;
    }
  }

  asking(request: CeremonySecretRequestView): void {
    this.view.secretRequest = { ...request };
  }

  answered(): void {
    this.view.secretRequest = null;
  }

  typingBack(request: CeremonyShareTypeBackView): void {
    this.view.shareTypeBack = { ...request };
  }

  typedBack(): void {
    this.view.shareTypeBack = null;
  }

  completed(result: CeremonyResultView): void {
    this.unrecorded();
    this.finishBefore(this.view.steps.length);
    this.view.current = this.view.steps.length;
    this.view.phase = 'completed';
    this.view.secretRequest = null;
    this.view.shareTypeBack = null;
    this.view.result = result;
    this.view.finishedAt = new Date().toISOString();
  }

  aborted(code: string, message: string): void {
    // The current row, and a signing step whose comparison row was current, both stopped.
    for (const s of this.view.steps) if (s.state === 'acknowledging' || s.state === 'working') s.state = 'failed';
    this.unrecorded();
    this.view.phase = 'aborted';
    this.view.secretRequest = null;
    this.view.shareTypeBack = null;
    this.view.error = { code, message };
    this.view.finishedAt = new Date().toISOString();
  }

  touch(): void {
    this.view.revision += 1;
  }

  /** A copy, so a listener or a response never sees a later mutation. */
  snapshot(): CeremonyRunView {
    return structuredClone(this.view);
  }

  /** Exceptions still queued when the run ends were never recorded: the room must see that rather than assume they were. */
  private unrecorded(): void {
    for (const e of this.view.exceptions) {
      if (e.state !== 'queued') continue;
      e.state = 'unrecorded';
      this.say(`exception by witness ${e.name} NOT recorded (the ceremony ended before another step's acknowledgments): ${e.note}`);
    }
  }

  private finishBefore(i: number): void {
    for (const s of this.view.steps.slice(0, i)) s.state = 'done';
  }

  /** The script step a comparison belongs to: "sign-root-rehearsal-comparison" → "sign-root". */
  private parentIndex(id: string): number {
    if (!id.endsWith(COMPARISON_SUFFIX)) return -1;
    const parent = id.slice(0, -COMPARISON_SUFFIX.length);
    return this.view.steps.findIndex((s) => s.id === parent && s.kind === 'script');
  }

  /** Where an acknowledgment outside the script goes: after its parent step, else before the first step not yet begun. */
  private insertExtra(step: { id: string; say: string }): number {
    const kind: CeremonyStepRunView['kind'] =
      step.id === PREFLIGHT_CLOCK_STEP ? 'preflight-clock' : step.id.endsWith(COMPARISON_SUFFIX) ? 'rehearsal-comparison' : 'extra';
    const row: CeremonyStepRunView = { id: step.id, say: step.say, action: null, state: 'pending', acks: [], kind };
    const parent = this.parentIndex(step.id);
    let at: number;
    if (parent >= 0) at = parent + 1;
    else {
      const pending = this.view.steps.findIndex((s) => s.state === 'pending');
      at = pending < 0 ? this.view.steps.length : pending;
    }
    this.view.steps.splice(at, 0, row);
    return at;
  }
}
