import { z } from 'zod';
import { MANIFEST_FORMAT, type ManifestDocument } from '../format/manifest-document.js';
import { issueText } from '../../encoding/schema-issue.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'standard base64');
const count = z.number().int().nonnegative();

/** One element of `devices`, validated on its own so the verifier never holds a zod copy of the whole list. */
export const deviceEntrySchema = z.strictObject({
  hardwareSerial: z.string().min(1),
  model: z.string(),
  status: z.enum(['confirmed', 'failed', 'superseded', 'revoked']),
  deviceState: z.string(),
  certificate: z
    .strictObject({
      der: base64,
      sha256: z.string(),
      publicKeySha256: z.string(),
      serial: z.string(),
      issuedAt: z.string(),
      request: z
        .strictObject({ csrSha256: hex64.nullable(), allowances: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/, 'an allowance name')).max(16) })
        .optional(),
    })
    .nullable(),
  revocation: z.strictObject({ reason: z.string(), revokedAt: z.string() }).nullable(),
  rework: z
    .strictObject({
      reason: z.string(),
      revocationReason: z.enum(['superseded', 'keyCompromise']),
      operator: z.string(),
      approvedAt: z.string(),
      note: z.string().nullable(),
    })
    .nullable(),
  firstSeenAt: z.string(),
  lastChangeAt: z.string(),
  attempts: count,
  lastError: z.strictObject({ code: z.string(), message: z.string().nullable() }).nullable(),
  matter: z
    .strictObject({
      vendorId: z.string(),
      productId: z.string(),
      paiSha256: hex64,
      factoryData: z
        .strictObject({ verifierSha256: hex64, discriminator: count, iterations: count, saltBytes: count, certificationDeclarationSha256: hex64 })
        .nullable(),
    })
    .optional(),
});

/**
 * manifest.json, strictly: unknown members are errors (a field the verifier does not know
 * is a field it cannot check). Values the checks compare (digests, counters) are only
 * typed here; their truth is what the named checks decide.
 */
export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  sequence: z.number().int().positive(),
  previousManifestSha256: hex64.nullable(),
  station: z.strictObject({ workspaceId: z.string() }),
  workOrder: z.strictObject({
    id: z.string().min(1),
    model: z.string(),
    policySha256: z.string(),
    policy: z.strictObject({
      serialPattern: z.string(),
      hwType: z.string(),
      subjectSerialNumber: z.boolean(),
      matter: z.strictObject({ vendorId: z.string(), productId: z.string(), certificationDeclarationSha256: hex64 }).optional(),
    }),
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
  counters: z.strictObject({
    planned: count,
    quantity: count,
    issued: count,
    devicesIssued: count,
    confirmed: count,
    failed: count,
    reworked: count,
    refused: count,
  }),
  devices: z.array(deviceEntrySchema),
  devicesSha256: z.string(),
  auditHead: z.strictObject({ seq: count, hash: z.string() }),
  auditCheckpoint: z
    .strictObject({
      entrySeq: count,
      format: z.string(),
      workspaceId: z.string(),
      seq: count,
      headHash: z.string(),
      time: z.string(),
      reason: z.string(),
      keySha256: z.string(),
      signature: base64,
    })
    .optional(),
});

/**
 * manifestSchema with each entry left for deviceEntrySchema. A document passes both exactly
 * when it passes manifestSchema, whose output is then the input itself (no member is
 * transformed or defaulted), so the parsed JSON can serve as the document without a copy.
 */
export const manifestHeaderSchema = manifestSchema.extend({ devices: z.array(z.unknown()) });

export type ManifestShape = { readonly ok: true; readonly document: ManifestDocument } | { readonly ok: false; readonly issues: readonly string[] };

/**
 * Validates parsed manifest.json entry by entry, so zod's output is never a second copy of
 * all 100,000 entry objects. Only a document that fails is parsed again whole, so its
 * issues are worded and ordered exactly as manifestSchema reports them.
 */
export function validateManifest(parsed: unknown): ManifestShape {
  if (manifestHeaderSchema.safeParse(parsed).success) {
    const devices = (parsed as { devices: unknown[] }).devices;
    if (devices.every((e) => deviceEntrySchema.safeParse(e).success)) {
      const late = membersNewerThan(parsed as ManifestDocument);
      if (late.length > 0) return { ok: false, issues: late };
      return { ok: true, document: parsed as ManifestDocument };
    }
  }
  const r = manifestSchema.safeParse(parsed);
  if (r.success) return { ok: true, document: r.data as ManifestDocument };
  return { ok: false, issues: r.error.issues.map((i) => issueText(i, manifestSchema, parsed)) };
}

/** Members a document uses that its own formatVersion does not have (a version-2 manifest with a checkpoint is not one any writer made). */
function membersNewerThan(doc: ManifestDocument): string[] {
  if (doc.formatVersion >= 3) return [];
  const issues: string[] = [];
  const v = `format version ${doc.formatVersion}`;
  if (doc.auditCheckpoint !== undefined) issues.push(`auditCheckpoint: new in format version 3, but the manifest says ${v}`);
  if (doc.workOrder.policy.matter !== undefined) issues.push(`workOrder.policy.matter: new in format version 3, but the manifest says ${v}`);
  const i = doc.devices.findIndex((e) => e.matter !== undefined);
  if (i >= 0) issues.push(`devices[${i}].matter: new in format version 3, but the manifest says ${v}`);
  return issues;
}
