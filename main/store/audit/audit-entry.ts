import type { JsonValue } from '../../encoding/canonical-json.js';

/** One audit entry exactly as stored; `hash` covers every other field. */
export interface AuditEntry {
  readonly seq: number;
  /** UTC, ISO 8601 with milliseconds and a trailing Z */
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: { readonly [key: string]: JsonValue };
  readonly prevHash: string;
  readonly hash: string;
}

/** What a caller supplies; seq, time and the hashes are the log's business. */
export interface AuditEvent {
  readonly actor: string;
  /** dotted, lower-case verb phrase, e.g. `workspace.created`, `certificate.issued` */
  readonly action: string;
  /** what the action was done to, e.g. a batch id or a certificate serial; '' when none */
  readonly subject: string;
  readonly details?: { readonly [key: string]: JsonValue };
}

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** The previous hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);
