import { randomInt } from 'node:crypto';
import { HallmarkError } from '../errors/hallmark-error.js';

/** Matter Core spec §5.1.7.1: 27 bits, 00000001–99999998, minus the trivial values. */
export const INVALID_PASSCODES: ReadonlySet<number> = new Set([
  0, 11111111, 22222222, 33333333, 44444444, 55555555, 66666666, 77777777, 88888888, 99999999, 12345678, 87654321,
]);

export const MAX_PASSCODE = 99_999_998;

/** Throws MATTER_RULE [matter.setup-passcode] unless `passcode` is one Matter allows. */
export function assertValidPasscode(passcode: number): void {
  if (!Number.isInteger(passcode) || passcode < 1 || passcode > MAX_PASSCODE || INVALID_PASSCODES.has(passcode)) {
    throw new HallmarkError(
      'MATTER_RULE',
      `[matter.setup-passcode] ${String(passcode).padStart(8, '0')} is not a valid Matter setup passcode (1–99999998, not 00000000, 11111111 … 99999999, 12345678, 87654321)`,
      'input',
      { rule: 'matter.setup-passcode' },
    );
  }
}

/** A setup passcode from the CSPRNG, redrawn while it is one of the invalid values. */
export function generatePasscode(): number {
  for (;;) {
    const p = randomInt(1, MAX_PASSCODE + 1);
    if (!INVALID_PASSCODES.has(p)) return p;
  }
}

/** A 12-bit discriminator from the CSPRNG. */
export function generateDiscriminator(): number {
  return randomInt(0, 4096);
}

export function assertValidDiscriminator(d: number): void {
  if (!Number.isInteger(d) || d < 0 || d > 0xfff)
    throw new HallmarkError('MATTER_RULE', `[matter.discriminator] the discriminator must be 12 bits (0–4095), got ${d}`, 'input', {
      rule: 'matter.discriminator',
    });
}
