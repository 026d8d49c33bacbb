import { z } from 'zod';
import { REVOCATION_REASONS, type RevocationReason } from '../x509/crl.js';

/**
 * The revocation request (docs/revocation.md): `revocation-request.json`, the document
 * below as UTF-8 JSON, and `revocation-request.json.p7s`, a detached CMS SignedData over
 * those exact bytes by the inventory key (main/cms). The SHA-256 of the JSON file is the
 * request's identity, named by both sides and their audit logs.
 */
export const REVOCATION_REQUEST_FORMAT = 'hallmark-revocation-request-v1';
export const REVOCATION_REQUEST_JSON = 'revocation-request.json';
export const REVOCATION_REQUEST_P7S = 'revocation-request.json.p7s';
/** a request of 100,000 devices is ~50 MB of JSON; beyond that it is not one */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
export const MAX_REQUEST_P7S_BYTES = 64 * 1024;

export interface RevocationRequestEntry {
  /** the certificate's issuer name, RFC 4514-style text (what a person compares) */
  readonly issuer: string;
  /** the issuer's key identifier (the certificate's authorityKeyIdentifier), hex; null when the certificate has none */
  readonly issuerKeyId: string | null;
  /** certificate serial, hex, lower case */
  readonly certificateSerial: string;
  /** SHA-256 of the certificate DER */
  readonly certificateSha256: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly reason: RevocationReason;
  readonly requestedAt: string;
}

export interface RevocationRequestDocument {
  readonly format: typeof REVOCATION_REQUEST_FORMAT;
  readonly requestId: string;
  readonly created: string;
  readonly inventory: { readonly workspaceId: string; readonly certificateSha256: string };
  readonly entries: readonly RevocationRequestEntry[];
}

const hex = (n?: number) =>
  z.string().regex(n === undefined ? /^[0-9a-f]{2,128}$/ : new RegExp(`^[0-9a-f]{${n}}$`), n === undefined ? 'lower-case hex' : `${n} lower-case hex digits`);
const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/, 'an ISO 8601 UTC time');
const reasons = Object.keys(REVOCATION_REASONS) as [RevocationReason, ...RevocationReason[]];

export const revocationRequestSchema = z.strictObject({
  format: z.literal(REVOCATION_REQUEST_FORMAT),
  requestId: z.string().regex(/^[0-9a-f-]{36}$/, 'a UUID'),
  created: isoTime,
  inventory: z.strictObject({ workspaceId: z.string().min(1).max(128), certificateSha256: hex(64) }),
  entries: z
    .array(
      z.strictObject({
        issuer: z.string().min(1).max(1024),
        issuerKeyId: hex().nullable(),
        certificateSerial: hex(),
        certificateSha256: hex(64),
        hardwareSerial: z.string().min(1).max(128),
        model: z.string().min(1).max(128),
        reason: z.enum(reasons),
        requestedAt: isoTime,
      }),
    )
    .min(1)
    .max(1_000_000),
});

export function serializeRevocationRequest(doc: RevocationRequestDocument): Buffer {
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
}
