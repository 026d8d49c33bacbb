import { createHash } from 'node:crypto';
import { canonicalJson } from '../../encoding/canonical-json.js';
import type { AuditEntry } from './audit-entry.js';

/**
 * hash = SHA-256 over the canonical JSON of a versioned array of every field but the hash.
 * An array (not an object) fixes the field order in the definition itself; the leading
 * format tag lets a later encoding coexist with old entries without ambiguity.
 */
export const AUDIT_HASH_FORMAT = 'hallmark-audit-v1';

export function auditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const encoded = canonicalJson([AUDIT_HASH_FORMAT, entry.seq, entry.time, entry.actor, entry.action, entry.subject, entry.details, entry.prevHash]);
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}
