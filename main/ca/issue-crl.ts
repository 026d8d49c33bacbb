import { HallmarkError } from '../errors/hallmark-error.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CaRepository } from '../store/ca-repository.js';
import { CertificateRepository, sha256Hex } from '../store/certificate-repository.js';
import type { Workspace } from '../store/workspace.js';
import { REVOCATION_REASONS, signCrl, type RevocationReason } from '../x509/crl.js';
import { wholeSeconds } from '../x509/validity.js';
import { loadCa } from './certificate-authority.js';

export interface Revocation {
  readonly serialHex: string;
  readonly reason: RevocationReason;
}

export interface IssueCrlRequest {
  readonly ca: string;
  readonly caKey: SigningKey;
  /** certificates to revoke now (they must have been issued by this CA); earlier revocations stay listed */
  readonly revoke?: readonly Revocation[];
  readonly nextUpdateDays: number;
  readonly thisUpdate?: Date;
  readonly actor: string;
  /** the inventory's revocation request these revocations answer (main/revocation), named in the audit entries */
  readonly fromRequest?: { readonly sha256: string; readonly requestId: string; readonly workspaceId: string };
}

/**
 * Revokes the named certificates and signs a CRL listing every certificate this CA has
 * revoked. The revocations, the CRL number and the CRL are committed together; if signing
 * fails nothing is recorded.
 */
export async function issueCrl(ws: Workspace, req: IssueCrlRequest): Promise<{ der: Buffer; crlNumber: number }> {
  const ca = loadCa(ws, req.ca);
  const certs = new CertificateRepository(ws);
  // whole seconds, as the CRL encodes them: the row and a publication bundle's description must name the CRL's own dates
  const now = wholeSeconds(req.thisUpdate ?? new Date());
  const toRevoke = (req.revoke ?? []).map((r) => {
    if (!Object.hasOwn(REVOCATION_REASONS, r.reason))
      throw new HallmarkError('REVOCATION_REASON_INVALID', `unknown revocation reason "${r.reason}" (use ${Object.keys(REVOCATION_REASONS).join(', ')})`);
    const serial = r.serialHex.toLowerCase().replace(/^0x/, '').replace(/:/g, '');
    const row = certs.bySerial(req.ca, serial);
    if (!row) throw new HallmarkError('CERTIFICATE_NOT_FOUND', `CA "${req.ca}" never issued a certificate with serial ${serial}`);
    if (row.status === 'revoked') throw new HallmarkError('ALREADY_REVOKED', `serial ${serial} is already revoked (${row.revocationReason})`);
    return { row, reason: r.reason };
  });
  const already = certs.revokedBy(req.ca);
  const entries = [
    ...already.map((r) => ({ serial: Buffer.from(r.serial, 'hex'), revokedAt: new Date(r.revokedAt!), reason: r.revocationReason as RevocationReason })),
    ...toRevoke.map((r) => ({ serial: Buffer.from(r.row.serial, 'hex'), revokedAt: now, reason: r.reason })),
  ];
  const crlNumber = ca.row.crlNumber + 1;
  const nextUpdate = new Date(now.getTime() + req.nextUpdateDays * 86_400_000);
  const der = await signCrl({ issuer: ca.certificate, signer: req.caKey, crlNumber, thisUpdate: now, nextUpdate, revoked: entries });
  ws.transact(() => {
    const cas = new CaRepository(ws);
    const taken = cas.nextCrlNumber(req.ca);
    if (taken !== crlNumber) throw new HallmarkError('CRL_NUMBER_RACE', `another CRL for "${req.ca}" was issued meanwhile; run again`);
    for (const r of toRevoke) {
      certs.markRevoked(r.row.id, now, r.reason);
      ws.audit.append({
        actor: req.actor,
        action: 'certificate.revoked',
        subject: r.row.serial,
        details: { ca: req.ca, reason: r.reason, sha256: r.row.sha256, ...(req.fromRequest ? { request: req.fromRequest.sha256 } : {}) },
      });
    }
    cas.insertCrl({ caName: req.ca, crlNumber, thisUpdate: now, nextUpdate, sha256: sha256Hex(der), der });
    ws.audit.append({
      actor: req.actor,
      action: 'crl.issued',
      subject: req.ca,
      details: {
        crlNumber,
        entries: entries.length,
        sha256: sha256Hex(der),
        nextUpdate: nextUpdate.toISOString(),
        ...(req.fromRequest ? { revocationRequest: { ...req.fromRequest } } : {}),
      },
    });
  });
  return { der, crlNumber };
}
