import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import { z } from 'zod';
import type { InventoryManifestRow } from '../store/inventory-repository.js';
import { InventoryError } from './inventory-errors.js';
import { parseJsonText } from '../encoding/json-syntax.js';
import { issueText } from '../encoding/schema-issue.js';

export const RECEIPT_FORMAT = 'hallmark-manifest-receipt';
export const RECEIPT_FORMAT_VERSION = 1;

/**
 * What the receiving inventory hands back to the factory: "we hold manifest <sha256>".
 * Unsigned on purpose: it moves a status from exported to acknowledged and grants
 * nothing; the factory accepts it only for a manifest SHA-256 it exported itself.
 */
export interface AcknowledgmentReceipt {
  readonly format: typeof RECEIPT_FORMAT;
  readonly formatVersion: number;
  readonly manifestSha256: string;
  readonly station: { readonly workspaceId: string };
  readonly batch: string;
  readonly sequence: number;
  readonly counts: { readonly entries: number; readonly certificates: number; readonly added: number; readonly unchanged: number; readonly retired: number };
  /** when the inventory imported the manifest (the same on every receipt for it) */
  readonly importedAt: string;
  readonly receivedBy: { readonly workspaceId: string; readonly actor: string };
  readonly writtenAt: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const count = z.number().int().nonnegative();
const receiptSchema = z.strictObject({
  format: z.literal(RECEIPT_FORMAT),
  formatVersion: z.literal(RECEIPT_FORMAT_VERSION),
  manifestSha256: hex64,
  station: z.strictObject({ workspaceId: z.string().min(1) }),
  batch: z.string().min(1),
  sequence: z.number().int().positive(),
  counts: z.strictObject({ entries: count, certificates: count, added: count, unchanged: count, retired: count }),
  importedAt: z.string().datetime(),
  receivedBy: z.strictObject({ workspaceId: z.string().min(1), actor: z.string() }),
  writtenAt: z.string().datetime(),
});

export function buildReceipt(m: InventoryManifestRow, receiver: { workspaceId: string; actor: string }, now: Date): AcknowledgmentReceipt {
  return {
    format: RECEIPT_FORMAT,
    formatVersion: RECEIPT_FORMAT_VERSION,
    manifestSha256: m.sha256,
    station: { workspaceId: m.stationId },
    batch: m.batchId,
    sequence: m.sequence,
    counts: { entries: m.entries, certificates: m.certificates, added: m.added, unchanged: m.unchanged, retired: m.retired },
    importedAt: m.importedAt,
    receivedBy: receiver,
    writtenAt: now.toISOString(),
  };
}

/** Created exclusively (O_EXCL) and flushed: a receipt on removable media is never overwritten. */
export function writeReceipt(path: string, receipt: AcknowledgmentReceipt): Buffer {
  const bytes = Buffer.from(`${JSON.stringify(receipt, null, 2)}\n`, 'utf8');
  try {
    writeNewFile(path, bytes);
  } catch (e) {
    if (!(e instanceof NewFileError)) throw e;
    if (e.reason === 'exists') throw new InventoryError('INVENTORY_RECEIPT_EXISTS', `${path} already exists; receipts are never overwritten`);
    throw new InventoryError('INVENTORY_RECEIPT_UNWRITABLE', `cannot create ${path}: ${e.errno}`, 'environment');
  }
  return bytes;
}

export function parseReceipt(bytes: Buffer, source: string): AcknowledgmentReceipt {
  const read = parseJsonText(bytes.toString('utf8'));
  if (!read.ok) throw new InventoryError('INVENTORY_RECEIPT_INVALID', `${source} is not JSON: ${read.message}`);
  const value = read.value;
  const r = receiptSchema.safeParse(value);
  if (!r.success)
    throw new InventoryError(
      'INVENTORY_RECEIPT_INVALID',
      `${source} is not a Hallmark manifest receipt: ${r.error.issues.map((i) => issueText(i, receiptSchema, value)).join('; ')}`,
    );
  return r.data;
}
