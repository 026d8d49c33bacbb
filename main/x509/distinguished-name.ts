import { PRINTABLE_PATTERN, oid, printableString, sequence, setOf, utf8String } from './der/der-writer.js';
import { OID } from './oids.js';
import { X509Error } from './x509-errors.js';
import { assertMatterId } from './matter/matter-ids.js';

/** One attribute of a subject or issuer name, in the order it is written. */
export interface NameAttribute {
  readonly type: keyof typeof NAME_ATTRIBUTES;
  readonly value: string;
}

/**
 * The attribute types Hallmark writes. countryName and serialNumber are PrintableString
 * (X.520; 802.1AR/BRSKI registrars expect serialNumber that way); the rest UTF8String
 * (RFC 5280 §4.1.2.6).
 */
export const NAME_ATTRIBUTES = {
  C: { oid: OID.countryName, printable: true, max: 2 },
  ST: { oid: OID.stateOrProvinceName, printable: false, max: 128 },
  L: { oid: OID.localityName, printable: false, max: 128 },
  O: { oid: OID.organizationName, printable: false, max: 64 },
  OU: { oid: OID.organizationalUnitName, printable: false, max: 64 },
  CN: { oid: OID.commonName, printable: false, max: 64 },
  serialNumber: { oid: OID.serialNumber, printable: true, max: 64 },
  /** Matter VendorID / ProductID: UTF8String of exactly 4 uppercase hex digits (main/x509/matter/) */
  matterVendorId: { oid: OID.matterVendorId, printable: false, max: 64 },
  matterProductId: { oid: OID.matterProductId, printable: false, max: 64 },
} as const;

/**
 * Parses "CN=Hallmark Root CA,O=Acme,C=DE" (RFC 4514 order is reversed; we take the
 * string in the order the certificate should carry, most significant first, as openssl's
 * -subj "/C=DE/O=Acme/CN=…" does). Commas and other specials are escaped with "\".
 */
export function parseSubject(text: string): NameAttribute[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (ch === ',' || ch === '/') {
      if (current.trim() !== '' || ch === ',') parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const attributes = parts
    .map((p) => p.trim())
    .filter((p, i) => !(i === 0 && p === '' && text.trim().startsWith('/')))
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new X509Error('SUBJECT_INVALID', `subject part "${part}" is not TYPE=value`);
      const type = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (!Object.hasOwn(NAME_ATTRIBUTES, type)) {
        throw new X509Error('SUBJECT_INVALID', `subject attribute "${type}" is not supported (use ${Object.keys(NAME_ATTRIBUTES).join(', ')})`);
      }
      return { type: type as NameAttribute['type'], value };
    });
  validateName(attributes);
  return attributes;
}

export function validateName(attributes: readonly NameAttribute[]): void {
  if (attributes.length === 0) throw new X509Error('SUBJECT_INVALID', 'the subject is empty');
  for (const a of attributes) {
    const spec = NAME_ATTRIBUTES[a.type];
    if (a.type === 'matterVendorId') assertMatterId(a.value, 'matter.vendor-id', 'VendorID');
    if (a.type === 'matterProductId') assertMatterId(a.value, 'matter.product-id', 'ProductID');
    if (a.value === '') throw new X509Error('SUBJECT_INVALID', `subject ${a.type} is empty`);
    if ([...a.value].length > spec.max) throw new X509Error('SUBJECT_INVALID', `subject ${a.type} is longer than ${spec.max} characters`);
    if (spec.printable && !PRINTABLE_PATTERN.test(a.value)) {
      throw new X509Error('SUBJECT_INVALID', `subject ${a.type} "${a.value}" has characters outside PrintableString`);
    }
    if (a.type === 'C' && !/^[A-Z]{2}$/.test(a.value))
      throw new X509Error('SUBJECT_INVALID', `subject C must be two capital letters (ISO 3166), got "${a.value}"`);
    // eslint-disable-next-line no-control-regex -- a subject with control characters is refused
    if (/[\u0000-\u001f\u007f]/.test(a.value)) throw new X509Error('SUBJECT_INVALID', `subject ${a.type} contains control characters`);
  }
  for (const type of ['matterVendorId', 'matterProductId'] as const) {
    if (attributes.filter((a) => a.type === type).length > 1) {
      const rule = type === 'matterVendorId' ? 'matter.vendor-id' : 'matter.product-id';
      throw new X509Error('MATTER_RULE', `[${rule}] the subject carries more than one ${type}`, 'input', { rule });
    }
  }
}

/** DER Name: one single-valued RDN per attribute, in order. */
export function encodeName(attributes: readonly NameAttribute[]): Buffer {
  validateName(attributes);
  return sequence(
    ...attributes.map((a) => {
      const spec = NAME_ATTRIBUTES[a.type];
      return setOf(sequence(oid(spec.oid), spec.printable ? printableString(a.value) : utf8String(a.value)));
    }),
  );
}

/** "C=DE, O=Acme, CN=…" for display and the database, in certificate order. */
export function formatName(attributes: readonly NameAttribute[]): string {
  return attributes.map((a) => `${a.type}=${a.value.replace(/([,\\])/g, '\\$1')}`).join(', ');
}
