import { canonicalJson } from '../../encoding/canonical-json.js';
import type { JsonValue } from '../../encoding/canonical-json.js';

/** The audit action a checkpoint is recorded under. */
export const CHECKPOINT_ACTION = 'audit.checkpoint';
export const CHECKPOINT_FORMAT = 'hallmark-audit-checkpoint-v1';
/**
 * Signed before the claim, so a checkpoint signature can never be taken for a signature
 * over anything else the key might be shown (a CSR, a manifest, another format's bytes).
 */
const DOMAIN_PREFIX = Buffer.from('HALLMARK AUDIT CHECKPOINT v1\0', 'latin1');

export const CHECKPOINT_REASONS = ['manual', 'interval', 'station-stop', 'work-order-close', 'manifest-export', 'ceremony-end'] as const;
export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];

/** What the audit key vouches for: the log, up to and including entry `seq` whose hash is `headHash`. */
export interface CheckpointClaim {
  readonly workspaceId: string;
  readonly seq: number;
  readonly headHash: string;
  /** UTC ISO 8601, when it was signed */
  readonly time: string;
  readonly reason: CheckpointReason;
  /** hex SHA-256 of the signing key's SubjectPublicKeyInfo */
  readonly keySha256: string;
}

/** A checkpoint as its audit entry's details carry it. */
export interface SignedCheckpoint extends CheckpointClaim {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** base64, in the X.509 form of the key's algorithm */
  readonly signature: string;
}

/** The exact bytes the audit key signs. */
export function checkpointMessage(claim: CheckpointClaim): Buffer {
  const body = canonicalJson([CHECKPOINT_FORMAT, claim.workspaceId, claim.seq, claim.headHash, claim.time, claim.reason, claim.keySha256]);
  return Buffer.concat([DOMAIN_PREFIX, Buffer.from(body, 'utf8')]);
}

export function checkpointDetails(claim: CheckpointClaim, signature: Buffer): { [key: string]: JsonValue } {
  return { format: CHECKPOINT_FORMAT, ...claim, signature: signature.toString('base64') };
}

const HEX64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads a checkpoint entry's details strictly; null when they are not a checkpoint of this format. */
export function parseCheckpointDetails(details: unknown): SignedCheckpoint | null {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return null;
  const d = details as Record<string, unknown>;
  const keys = Object.keys(d).sort().join(',');
  if (keys !== 'format,headHash,keySha256,reason,seq,signature,time,workspaceId') return null;
  if (d['format'] !== CHECKPOINT_FORMAT) return null;
  if (typeof d['workspaceId'] !== 'string' || d['workspaceId'] === '' || d['workspaceId'].length > 64) return null;
  if (typeof d['seq'] !== 'number' || !Number.isSafeInteger(d['seq']) || d['seq'] < 1) return null;
  if (typeof d['headHash'] !== 'string' || !HEX64.test(d['headHash'])) return null;
  if (typeof d['keySha256'] !== 'string' || !HEX64.test(d['keySha256'])) return null;
  if (typeof d['time'] !== 'string' || Number.isNaN(Date.parse(d['time']))) return null;
  if (typeof d['reason'] !== 'string' || !(CHECKPOINT_REASONS as readonly string[]).includes(d['reason'])) return null;
  if (typeof d['signature'] !== 'string' || d['signature'].length > 2048 || !BASE64.test(d['signature'])) return null;
  return d as unknown as SignedCheckpoint;
}
