/**
 * IMEIs as an nRF91 reports them with AT+CGSN: 15 decimal digits, the last a Luhn check
 * digit over the first 14 (3GPP TS 23.003 §6.2.1: TAC, 8 digits; serial, 6; check digit).
 * The IMEI is the device's hardware serial in the station, so a mistyped or corrupted
 * one must never reach a certificate.
 */

const IMEI = /^[0-9]{15}$/;

/** The Luhn check digit for `digits` (the digit that would be appended). */
export function luhnCheckDigit(digits: string): number {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError('luhnCheckDigit needs decimal digits');
  let sum = 0;
  // Counting from the right of the payload, every first, third, … digit is doubled,
  // because the check digit will take the rightmost position.
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidImei(text: string): boolean {
  return IMEI.test(text) && luhnCheckDigit(text.slice(0, 14)) === text.charCodeAt(14) - 48;
}

/** Builds the IMEI with type allocation code `tac` (8 digits) and serial number `serial` (0–999999). */
export function makeImei(tac: string, serial: number): string {
  if (!/^[0-9]{8}$/.test(tac)) throw new RangeError(`TAC must be 8 digits, got ${JSON.stringify(tac)}`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 999_999) throw new RangeError(`IMEI serial must be 0–999999, got ${serial}`);
  const body = tac + String(serial).padStart(6, '0');
  return body + String(luhnCheckDigit(body));
}
