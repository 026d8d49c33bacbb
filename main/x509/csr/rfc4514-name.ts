import type { DerNode } from '../der/der-reader.js';
import type { AllowanceLedger } from './csr-allowances.js';
import { CsrError } from './csr-errors.js';
import { decodeDirectoryString, isStringNode } from './directory-string.js';

/**
 * Short names for attribute types: RFC 4514's table plus the ones OpenSSL also prints by
 * name (emailAddress, serialNumber, …), so the display matches `-nameopt RFC2253`.
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '2.5.4.5': 'serialNumber',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.12': 'title',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * Formats a Name as RFC 4514 text: last RDN first, ',' between RDNs, '+' inside one.
 * Types without a short name, and values that are not strings, are written as
 * OID=#<hex of the value's DER>, as RFC 4514 §2.4 prescribes.
 * Beyond RFC 4514's escapes, control characters and bidirectional overrides are written
 * as \XX UTF-8 escapes, because this string is shown to people and printed on one line.
 */
export function formatName(name: DerNode, ledger?: AllowanceLedger): string {
  if (name.id !== 0x30) throw new CsrError('CSR_STRUCTURE', `subject is not a SEQUENCE (at offset ${name.start})`);
  const rdns: string[] = [];
  for (const rdn of name.children) {
    if (rdn.id !== 0x31 || rdn.children.length === 0) {
      throw new CsrError('CSR_STRUCTURE', `subject RDN must be a non-empty SET (at offset ${rdn.start})`);
    }
    const parts: string[] = [];
    for (const atv of rdn.children) {
      const [type, value, extra] = atv.children;
      if (atv.id !== 0x30 || type?.id !== 0x06 || value === undefined || extra !== undefined) {
        throw new CsrError('CSR_STRUCTURE', `subject attribute must be SEQUENCE { OID, value } (at offset ${atv.start})`);
      }
      const oid = type.oid();
      const short = SHORT_NAMES[oid];
      if (short !== undefined && isStringNode(value)) {
        parts.push(`${short}=${escapeValue(decodeDirectoryString(value, `subject ${short}`, ledger))}`);
      } else {
        parts.push(`${short ?? oid}=#${value.raw().toString('hex')}`);
      }
    }
    rdns.push(parts.join('+'));
  }
  return rdns.reverse().join(',');
}

// eslint-disable-next-line no-control-regex -- RFC 4514 escapes control characters in a value
const NEEDS_ESCAPE = /[",+;<>\\\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function escapeValue(value: string): string {
  const last = value.length - 1;
  if (!NEEDS_ESCAPE.test(value) && value[0] !== ' ' && value[0] !== '#' && value[last] !== ' ') return value;
  const chars = Array.from(value);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (',+"\\<>;'.includes(ch)) out += `\\${ch}`;
    else if (NEEDS_ESCAPE.test(ch)) out += hexEscape(ch);
    else if ((ch === ' ' && (i === 0 || i === chars.length - 1)) || (ch === '#' && i === 0)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function hexEscape(ch: string): string {
  let s = '';
  for (const b of Buffer.from(ch, 'utf8')) s += `\\${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return s;
}
