import { issueCrl } from '../ca/issue-crl.js';
import { loadCa } from '../ca/certificate-authority.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CertificateRepository } from '../store/certificate-repository.js';
import type { Workspace } from '../store/workspace.js';
import { nameToString } from '../x509/describe-certificate.js';
import type { RevocationReason } from '../x509/crl.js';
import type { VerifiedRevocationRequest } from './read-revocation-request.js';
import { RevocationError } from './revocation-errors.js';

export interface RequestReview {
  readonly ca: string;
  readonly sha256: string;
  readonly requestId: string;
  readonly workspaceId: string;
  /** certificates to revoke, by reason */
  readonly byReason: Readonly<Record<string, number>>;
  readonly entries: readonly { readonly certificateSerial: string; readonly hardwareSerial: string; readonly reason: RevocationReason }[];
}

const MAX_NAMED = 20;
const named = (items: readonly string[]) => `${items.slice(0, MAX_NAMED).join(', ')}${items.length > MAX_NAMED ? ` and ${items.length - MAX_NAMED} more` : ''}`;

/**
 * The CA's judgement of a verified request, before anything is signed: every entry must
 * name this CA as issuer (name and key identifier), a serial this CA issued, with the
 * same certificate SHA-256, not yet revoked. Each kind of problem is refused with every
 * offending serial named; one bad entry refuses the whole request.
 */
export function reviewRevocationRequest(ws: Workspace, caName: string, request: VerifiedRevocationRequest): RequestReview {
  const ca = loadCa(ws, caName);
  const issuer = nameToString(ca.certificate.subject);
  const keyId = ca.certificate.subjectKeyId?.toString('hex') ?? null;
  const certs = new CertificateRepository(ws);
  const other: string[] = [];
  const unknown: string[] = [];
  const revoked: string[] = [];
  for (const e of request.document.entries) {
    if (e.issuer !== issuer || (e.issuerKeyId !== null && keyId !== null && e.issuerKeyId !== keyId)) {
      other.push(`${e.certificateSerial} (issuer ${e.issuer})`);
      continue;
    }
    const row = certs.bySerial(caName, e.certificateSerial);
    if (!row) unknown.push(e.certificateSerial);
    else if (row.sha256 !== e.certificateSha256)
      unknown.push(`${e.certificateSerial} (this CA's certificate with that serial is ${row.sha256}, the request names ${e.certificateSha256})`);
    else if (row.status === 'revoked') revoked.push(`${e.certificateSerial} (${row.revocationReason ?? 'unspecified'}, ${row.revokedAt ?? ''})`);
  }
  const where = { sha256: request.sha256 };
  if (other.length)
    throw new RevocationError(
      'REVOCATION_REQUEST_OTHER_ISSUER',
      `revocation request ${request.sha256} names certificates of another issuer than CA "${caName}" (${issuer}): ${named(other)}`,
      'input',
      where,
    );
  if (unknown.length)
    throw new RevocationError(
      'REVOCATION_REQUEST_UNKNOWN_SERIAL',
      `revocation request ${request.sha256} names serials CA "${caName}" never issued: ${named(unknown)}`,
      'input',
      where,
    );
  if (revoked.length)
    throw new RevocationError(
      'REVOCATION_REQUEST_ALREADY_REVOKED',
      `revocation request ${request.sha256} names certificates CA "${caName}" has already revoked: ${named(revoked)}`,
      'input',
      where,
    );
  const byReason: Record<string, number> = {};
  for (const e of request.document.entries) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;
  return {
    ca: caName,
    sha256: request.sha256,
    requestId: request.document.requestId,
    workspaceId: request.document.inventory.workspaceId,
    byReason,
    entries: request.document.entries.map((e) => ({ certificateSerial: e.certificateSerial, hardwareSerial: e.hardwareSerial, reason: e.reason })),
  };
}

/**
 * Reviews the request and signs the CRL that revokes its certificates: issueCrl commits the
 * revocations, the CRL number and the CRL in one transaction (nothing if any entry is
 * refused or signing fails), its `crl.issued` entry naming the request's SHA-256.
 */
export async function issueCrlFromRequest(
  ws: Workspace,
  req: { ca: string; caKey: SigningKey; request: VerifiedRevocationRequest; nextUpdateDays: number; actor: string; thisUpdate?: Date },
): Promise<{ der: Buffer; crlNumber: number; review: RequestReview }> {
  const review = reviewRevocationRequest(ws, req.ca, req.request);
  const { der, crlNumber } = await issueCrl(ws, {
    ca: req.ca,
    caKey: req.caKey,
    revoke: review.entries.map((e) => ({ serialHex: e.certificateSerial, reason: e.reason })),
    nextUpdateDays: req.nextUpdateDays,
    actor: req.actor,
    fromRequest: { sha256: review.sha256, requestId: review.requestId, workspaceId: review.workspaceId },
    ...(req.thisUpdate ? { thisUpdate: req.thisUpdate } : {}),
  });
  return { der, crlNumber, review };
}
