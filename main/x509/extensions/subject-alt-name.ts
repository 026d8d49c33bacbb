import { contextTag, ia5String, octetString, oid, sequence } from '../der/der-writer.js';
import { OID } from '../oids.js';
import type { Extension } from './extension.js';

/** IEEE 802.1AR / RFC 4108 HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING } */
export interface HardwareModuleName {
  readonly hwType: string;
  readonly hwSerialNum: Buffer;
}

export type GeneralName =
  | { readonly kind: 'hardwareModuleName'; readonly value: HardwareModuleName }
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string };

export function encodeGeneralName(name: GeneralName): Buffer {
  switch (name.kind) {
    case 'hardwareModuleName':
      // otherName [0] { type-id, value [0] EXPLICIT HardwareModuleName }
      return contextTag(
        0,
        Buffer.concat([oid(OID.hardwareModuleName), contextTag(0, sequence(oid(name.value.hwType), octetString(name.value.hwSerialNum)), true)]),
        true,
      );
    case 'dns':
      return contextTag(2, Buffer.from(name.value, 'ascii'), false);
    case 'uri':
      return contextTag(6, Buffer.from(name.value, 'ascii'), false);
  }
}

/**
 * Critical only when the subject is empty (RFC 5280 §4.2.1.6); IDevIDs always carry a
 * subject, so non-critical.
 */
export function subjectAltName(names: readonly GeneralName[], critical = false): Extension {
  if (names.length === 0) throw new RangeError('subjectAltName needs at least one name');
  return { oid: OID.subjectAltName, critical, value: sequence(...names.map(encodeGeneralName)) };
}

/** BRSKI id-pe-masa-url (RFC 8995 §2.3.2): a non-critical IA5String. */
export function masaUrl(url: string): Extension {
  return { oid: OID.masaUrl, critical: false, value: ia5String(url) };
}
