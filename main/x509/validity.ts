import { sequence, tlv, TAG } from './der/der-writer.js';

/** 802.1AR's "no well-defined expiration" (RFC 5280 §4.1.2.5). */
export const NO_WELL_DEFINED_EXPIRATION = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));

/** UTCTime through 2049, GeneralizedTime from 2050 on, both to the second with Z (RFC 5280 §4.1.2.5). */
export function encodeTime(date: Date): Buffer {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError(`year ${year} cannot be encoded in a certificate`);
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  return year < 2050 ? tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'ascii'));
}

export function encodeValidity(notBefore: Date, notAfter: Date): Buffer {
  return sequence(encodeTime(notBefore), encodeTime(notAfter));
}

/** Truncates to whole seconds: certificates carry no fractions, and the lint compares the same values. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
