import type { DerNode } from '../der/der-reader.js';
import { outside } from './outside-fast-subset.js';

export interface TimeFact {
  readonly date: Date;
  readonly encoding: 'utc' | 'generalized';
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/**
 * RFC 5280's two Time forms, to the second with Z: YYMMDDHHMMSSZ (years 50–99 are 19xx)
 * and YYYYMMDDHHMMSSZ. Fields are combined with Date.UTC exactly as asn1js does, so an
 * out-of-range field gives the same date either way; fractions, offsets and years before
 * 1000 go to the slow path.
 */
export function readTime(node: DerNode): TimeFact {
  const text = node.content().toString('latin1');
  if (node.id === 0x17) {
    const m = UTC_TIME.exec(text);
    if (m === null) outside('UTCTime not in YYMMDDHHMMSSZ form');
    const yy = Number(m[1]);
    return { date: fromFields(yy >= 50 ? 1900 + yy : 2000 + yy, m), encoding: 'utc' };
  }
  if (node.id === 0x18) {
    const m = GENERALIZED_TIME.exec(text);
    if (m === null) outside('GeneralizedTime not in YYYYMMDDHHMMSSZ form');
    const year = Number(m[1]);
    if (year < 1000) outside('GeneralizedTime before year 1000');
    return { date: fromFields(year, m), encoding: 'generalized' };
  }
  outside('Time is neither UTCTime nor GeneralizedTime');
}

function fromFields(year: number, m: RegExpExecArray): Date {
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
