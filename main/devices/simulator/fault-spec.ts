import { InvalidInputError } from '../../errors/hallmark-error.js';
import { FAULT_MODES, isFaultMode, type FaultMode } from './device-personality.js';

/** Which devices of a run get a fault: all, one (1-based device number), or each with a probability. */
export type FaultTarget = { readonly kind: 'all' } | { readonly kind: 'device'; readonly number: number } | { readonly kind: 'rate'; readonly rate: number };

export interface FaultSpec {
  readonly mode: FaultMode;
  readonly target: FaultTarget;
}

/** `MODE` (every device), `MODE@N` (device N, counting from 1), `MODE:RATE` (each device with probability RATE). */
export function parseFaultSpec(text: string): FaultSpec {
  const m = /^([a-z0-9-]+)(?:@(\d+)|:(\d*\.?\d+))?$/.exec(text.trim());
  const mode = m?.[1];
  if (!m || mode === undefined || !isFaultMode(mode)) {
    throw new InvalidInputError(`fault "${text}" is not MODE, MODE@N or MODE:RATE with MODE one of ${FAULT_MODES.join(', ')}`);
  }
  if (m[2] !== undefined) {
    const number = Number(m[2]);
    if (number < 1) throw new InvalidInputError(`fault "${text}": devices are numbered from 1`);
    return { mode, target: { kind: 'device', number } };
  }
  if (m[3] !== undefined) {
    const rate = Number(m[3]);
    if (!(rate >= 0 && rate <= 1)) throw new InvalidInputError(`fault "${text}": a rate is between 0 and 1`);
    return { mode, target: { kind: 'rate', rate } };
  }
  return { mode, target: { kind: 'all' } };
}

/** The faults of each device, decided once per run (rates drawn from the run's PRNG in device order). */
export function assignFaults(specs: readonly FaultSpec[], count: number, random: () => number): Set<FaultMode>[] {
  const perDevice = Array.from({ length: count }, () => new Set<FaultMode>());
  for (const spec of specs) {
    for (let i = 0; i < count; i++) {
      const t = spec.target;
      // Draw for every device whatever the outcome, so one spec's rate does not shift another's picks.
      const hit = t.kind === 'all' || (t.kind === 'device' && t.number === i + 1) || (t.kind === 'rate' && random() < t.rate);
      if (hit) perDevice[i]!.add(spec.mode);
    }
  }
  return perDevice;
}
