import { boolean, sequence, smallInteger } from '../der/der-writer.js';
import { OID } from '../oids.js';
import type { Extension } from './extension.js';

/** Always critical (RFC 5280 §4.2.1.9 requires it in CA certificates; we do it for all). */
export function basicConstraints(ca: boolean, pathLen?: number): Extension {
  const parts: Buffer[] = [];
  if (ca) parts.push(boolean(true));
  if (ca && pathLen !== undefined) parts.push(smallInteger(pathLen));
  return { oid: OID.basicConstraints, critical: true, value: sequence(...parts) };
}
