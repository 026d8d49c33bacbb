import { contextTag, sequence } from '../der/der-writer.js';
import { encodeName, type NameAttribute } from '../distinguished-name.js';
import { OID } from '../oids.js';
import type { Extension } from './extension.js';

export interface NameConstraintSet {
  readonly dns?: readonly string[];
  readonly directoryNames?: readonly (readonly NameAttribute[])[];
}

export interface NameConstraints {
  readonly permitted?: NameConstraintSet;
  readonly excluded?: NameConstraintSet;
}

function subtrees(set: NameConstraintSet): Buffer[] {
  const out: Buffer[] = [];
  // GeneralSubtree ::= SEQUENCE { base GeneralName } (minimum 0 and no maximum are the DER defaults)
  for (const d of set.dns ?? []) out.push(sequence(contextTag(2, Buffer.from(d, 'ascii'), false)));
  for (const n of set.directoryNames ?? []) out.push(sequence(contextTag(4, encodeName(n), true)));
  return out;
}

/** Critical, as RFC 5280 §4.2.1.10 requires. */
export function nameConstraints(nc: NameConstraints): Extension {
  const parts: Buffer[] = [];
  if (nc.permitted) parts.push(contextTag(0, Buffer.concat(subtrees(nc.permitted)), true));
  if (nc.excluded) parts.push(contextTag(1, Buffer.concat(subtrees(nc.excluded)), true));
  if (parts.length === 0) throw new RangeError('nameConstraints needs permitted or excluded subtrees');
  return { oid: OID.nameConstraints, critical: true, value: sequence(...parts) };
}
