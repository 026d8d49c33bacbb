import { oid, sequence } from '../der/der-writer.js';
import { OID } from '../oids.js';
import type { Extension } from './extension.js';

/** Non-critical, as the CA/Browser and IoT profiles use it. */
export function extendedKeyUsage(purposes: readonly string[]): Extension {
  if (purposes.length === 0) throw new RangeError('extendedKeyUsage needs at least one purpose');
  return { oid: OID.extKeyUsage, critical: false, value: sequence(...purposes.map((p) => oid(p))) };
}
