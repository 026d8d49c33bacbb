import { z } from 'zod';
import { MANIFEST_FORMAT } from '../format/manifest-document.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'standard base64');
const count = z.number().int().nonnegative();

const entry = z.strictObject({
  hardwareSerial: z.string().min(1),
  model: z.string(),
  status: z.enum(['confirmed', 'failed', 'superseded', 'revoked']),
  deviceState: z.string(),
  certificate: z
    .strictObject({ der: base64, sha256: z.string(), publicKeySha256: z.string(), serial: z.string(), issuedAt: z.string() })
    .nullable(),
  revocation: z.strictObject({ reason: z.string(), revokedAt: z.string() }).nullable(),
  rework: z
    .strictObject({ reason: z.string(), revocationReason: z.enum(['superseded', 'keyCompromise']), operator: z.string(), approvedAt: z.string(), note: z.string().nullable() })
    .nullable(),
  firstSeenAt: z.string(),
  lastChangeAt: z.string(),
  attempts: count,
  lastError: z.strictObject({ code: z.string(), message: z.string().nullable() }).nullable(),
});

/**
 * manifest.json, strictly: unknown members are errors (a field the verifier does not know
 * is a field it cannot check). Values the checks compare (digests, counters) are only
 * typed here; their truth is what the named checks decide.
 */
export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(1),
  sequence: z.number().int().positive(),
  previousManifestSha256: hex64.nullable(),
  station: z.strictObject({ workspaceId: z.string() }),
  workOrder: z.strictObject({
    id: z.string().min(1),
    model: z.string(),
    policySha256: z.string(),
    policy: z.strictObject({ serialPattern: z.string(), hwType: z.string(), subjectSerialNumber: z.boolean() }),
    planSource: z.string(),
    planSha256: z.string(),
    planned: count,
    quantity: count,
    issuingCa: z.string(),
  }),
  operators: z.array(z.string()),
  times: z.strictObject({
    createdAt: z.string(),
    createdBy: z.string(),
    closedAt: z.string(),
    closedBy: z.string(),
    firstIssuedAt: z.string().nullable(),
    lastIssuedAt: z.string().nullable(),
    exportedAt: z.string(),
  }),
  issuingCaChain: z.array(base64).min(1),
  counters: z.strictObject({ planned: count, quantity: count, issued: count, devicesIssued: count, confirmed: count, failed: count, reworked: count, refused: count }),
  devices: z.array(entry),
  devicesSha256: z.string(),
  auditHead: z.strictObject({ seq: count, hash: z.string() }),
});
