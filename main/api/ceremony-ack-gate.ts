import type { CeremonyAckView, CeremonyRole } from '../../preload/api.js';
import type { AckSource, Acknowledgment } from '../ceremony/acknowledgments.js';
import { membersOf } from '../ceremony/acknowledgments.js';
import type { CeremonyStep } from '../ceremony/ceremony-script-schema.js';
import { HallmarkError } from '../errors/hallmark-error.js';

/** What the session learns from the gate: a step now waits for people, or one of them signed. */
export interface AckGateHooks {
  /** `step` may be one run-ceremony adds outside the script (the clock confirmation, a rehearsal comparison) */
  waiting(step: { id: string; say: string }, acks: readonly CeremonyAckView[]): void;
  acknowledged(stepId: string, acks: readonly CeremonyAckView[]): void;
}

interface Pending {
  readonly step: string;
  readonly acks: CeremonyAckView[];
  resolve(acks: Acknowledgment[]): void;
  reject(e: Error): void;
}

/**
 * run-ceremony's AckSource for the app: instead of a terminal prompt or an ack file, each
 * step waits until every participant it names has typed their own name on the screen
 * (ceremony.acknowledge). The time recorded is when that person confirmed, in UTC.
 */
export class AckGate {
  #pending: Pending | null = null;
  #abort: Error | null = null;

  constructor(private readonly hooks: AckGateHooks) {}

  readonly source: AckSource = {
    via: 'app',
    collect: (step: CeremonyStep, script) => {
      if (this.#abort) return Promise.reject(this.#abort);
      const acks: CeremonyAckView[] = step.acknowledge.flatMap((role: CeremonyRole) => membersOf(script, role).map((name) => ({ role, name, time: null })));
      return new Promise<Acknowledgment[]>((resolve, reject) => {
        this.#pending = { step: step.id, acks, resolve, reject };
        this.hooks.waiting({ id: step.id, say: step.say }, acks);
      });
    },
  };

  /** Refuses as acknowledge() would, without recording: checked before a custodian's credential is. */
  expects(stepId: string, role: CeremonyRole, typed: string): void {
    this.#awaited(stepId, role, typed);
  }

  /** The typed name must be exactly a participant this step still waits for in that role. */
  acknowledge(stepId: string, role: CeremonyRole, typed: string): void {
    const { p, ack } = this.#awaited(stepId, role, typed);
    ack.time = new Date().toISOString();
    this.hooks.acknowledged(stepId, p.acks);
    if (p.acks.every((a) => a.time !== null)) {
      this.#pending = null;
      p.resolve(p.acks.map((a) => ({ step: stepId, role: a.role, name: a.name, time: a.time!, via: 'app' })));
    }
  }

  #awaited(stepId: string, role: CeremonyRole, typed: string): { p: Pending; ack: CeremonyAckView } {
    const p = this.#pending;
    if (!p || p.step !== stepId)
      throw new HallmarkError('CEREMONY_ACK_INVALID', `the ceremony is not waiting for acknowledgments of step "${stepId}"`, 'input');
    const name = typed.trim();
    const ack = p.acks.find((a) => a.role === role && a.name === name);
    if (!ack) {
      const want = p.acks.filter((a) => a.role === role).map((a) => a.name);
      throw new HallmarkError(
        'CEREMONY_ACK_INVALID',
        `"${name}" is not one of the ${role} of this ceremony (${want.join(', ') || 'none needed for this step'}); type your name exactly as the script spells it`,
        'input',
      );
    }
    if (ack.time !== null) throw new HallmarkError('CEREMONY_ACK_INVALID', `${role} ${name} already acknowledged step "${stepId}" at ${ack.time}`, 'input');
    return { p, ack };
  }

  /** Stops the ceremony at the step waiting now, or at the next one if an action is running. */
  abort(e: Error): void {
    this.#abort = e;
    const p = this.#pending;
    this.#pending = null;
    p?.reject(e);
  }
}
