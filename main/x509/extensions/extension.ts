import { boolean, octetString, oid, sequence } from '../der/der-writer.js';

/** One certificate or CRL extension: OID, criticality and the DER inside extnValue. */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Buffer;
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } — DEFAULT FALSE is omitted in DER. */
export function encodeExtension(ext: Extension): Buffer {
  return ext.critical ? sequence(oid(ext.oid), boolean(true), octetString(ext.value)) : sequence(oid(ext.oid), octetString(ext.value));
}
