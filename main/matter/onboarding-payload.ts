import { HallmarkError } from '../errors/hallmark-error.js';
import { assertMatterId } from '../x509/matter/matter-ids.js';
import { assertValidDiscriminator, assertValidPasscode } from './setup-passcode.js';

/** Rendezvous capabilities (bit mask): SoftAP 1, BLE 2, on-network 4. */
export const RENDEZVOUS = { softAp: 1, ble: 2, onNetwork: 4 } as const;

export interface OnboardingPayload {
  /** 4 uppercase hex digits, as in the DAC */
  readonly vendorId: string;
  readonly productId: string;
  readonly discriminator: number;
  readonly passcode: number;
  /** 0 standard, 1 user-intent, 2 custom */
  readonly commissioningFlow?: 0 | 1 | 2;
  readonly rendezvous?: number;
}

const BASE38 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.';

/**
 * The QR code text (Matter Core spec §5.1.3): `MT:` and Base38 of the 88-bit packed
 * payload, fields least significant bit first — version 3 bits (0), VendorID 16,
 * ProductID 16, commissioning flow 2, rendezvous 8, discriminator 12, passcode 27,
 * padding 4.
 */
export function qrCodeText(p: OnboardingPayload): string {
  check(p);
  const fields: [number, number][] = [
    [0, 3],
    [parseInt(p.vendorId, 16), 16],
    [parseInt(p.productId, 16), 16],
    [p.commissioningFlow ?? 0, 2],
    [p.rendezvous ?? RENDEZVOUS.ble, 8],
    [p.discriminator, 12],
    [p.passcode, 27],
    [0, 4],
  ];
  const bytes = Buffer.alloc(11);
  let bit = 0;
  for (const [value, width] of fields) {
    for (let i = 0; i < width; i++, bit++) if ((value >>> i) & 1) bytes[bit >> 3]! |= 1 << (bit & 7);
  }
  return `MT:${base38(bytes)}`;
}

/** Base38: 3 bytes (little-endian) → 5 characters, a trailing 2 → 4, 1 → 2, least significant character first. */
export function base38(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = bytes.subarray(i, i + 3);
    let v = 0;
    for (let j = chunk.length - 1; j >= 0; j--) v = v * 256 + chunk[j]!;
    const chars = chunk.length === 3 ? 5 : chunk.length === 2 ? 4 : 2;
    for (let k = 0; k < chars; k++) {
      out += BASE38[v % 38];
      v = Math.floor(v / 38);
    }
  }
  return out;
}

/**
 * The 11-digit manual pairing code (no VendorID/ProductID): digit 1 = the upper two bits
 * of the 4-bit short discriminator, digits 2–6 = its lower two bits above the passcode's
 * low 14 bits, digits 7–10 = the passcode's upper 13 bits, then the Verhoeff check digit.
 */
export function manualPairingCode(p: Pick<OnboardingPayload, 'discriminator' | 'passcode'>): string {
  assertValidDiscriminator(p.discriminator);
  assertValidPasscode(p.passcode);
  const short = p.discriminator >> 8;
  const d1 = String(short >> 2);
  const d2 = String(((short & 3) << 14) | (p.passcode & 0x3fff)).padStart(5, '0');
  const d3 = String(p.passcode >> 14).padStart(4, '0');
  const body = d1 + d2 + d3;
  return body + verhoeffCheckDigit(body);
}

const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** The Verhoeff check digit of a string of decimal digits. */
export function verhoeffCheckDigit(digits: string): string {
  if (!/^[0-9]+$/.test(digits)) throw new HallmarkError('INVALID_INPUT', 'Verhoeff needs decimal digits');
  let c = 0;
  const rev = [...digits].reverse();
  for (let i = 0; i < rev.length; i++) c = D[c]![P[(i + 1) % 8]![Number(rev[i])]!]!;
  return String(INV[c]);
}

/** True when the last digit is the Verhoeff check digit of the rest. */
export function verhoeffValid(code: string): boolean {
  return /^[0-9]{2,}$/.test(code) && verhoeffCheckDigit(code.slice(0, -1)) === code.slice(-1);
}

function check(p: OnboardingPayload): void {
  assertMatterId(p.vendorId, 'matter.vendor-id', 'VendorID');
  assertMatterId(p.productId, 'matter.product-id', 'ProductID');
  assertValidDiscriminator(p.discriminator);
  assertValidPasscode(p.passcode);
  if (p.rendezvous !== undefined && (!Number.isInteger(p.rendezvous) || p.rendezvous < 0 || p.rendezvous > 0xff)) {
    throw new HallmarkError('MATTER_RULE', '[matter.rendezvous] the rendezvous mask is 8 bits', 'input', { rule: 'matter.rendezvous' });
  }
}
