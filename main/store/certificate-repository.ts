import { createHash } from 'node:crypto';
import { HallmarkError } from '../errors/hallmark-error.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { OID } from '../x509/oids.js';
import type { ProfileName } from '../x509/certificate-template.js';
import type { Workspace } from './workspace.js';

export interface CertificateRow {
  readonly id: number;
  readonly sha256: string;
  readonly issuerSpkiSha256: string;
  readonly serial: string;
  readonly issuerCa: string | null;
  readonly profile: ProfileName;
  readonly subject: string;
  readonly spkiSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly der: Buffer;
  readonly status: 'active' | 'revoked';
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly createdAt: string;
}

interface Row {
  id: number;
  sha256: string;
  issuer_spki_sha256: string;
  serial: string;
  issuer_ca: string | null;
  profile: ProfileName;
  subject: string;
  spki_sha256: string;
  not_before: string;
  not_after: string;
  der: Buffer;
  status: 'active' | 'revoked';
  revoked_at: string | null;
  revocation_reason: string | null;
  created_at: string;
}

export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Every certificate Hallmark signs is inserted here, with its audit entry, in the caller's
 * transaction, before any byte of it leaves the process. (issuer key, serial) is unique.
 */
export class CertificateRepository {
  constructor(private readonly workspace: Workspace) {}

  /** Must run inside Workspace.transact(). */
  insert(cert: ParsedCertificate, meta: { profile: ProfileName; issuerCa: string | null; issuerSpki: Buffer; subject: string }): CertificateRow {
    if (!this.workspace.db.inTransaction) throw new Error('CertificateRepository.insert must run inside a transaction');
    const serial = cert.serial.toString('hex');
    const issuerSpkiSha256 = sha256Hex(meta.issuerSpki);
    const clash = this.workspace.db.prepare('SELECT 1 FROM certificates WHERE issuer_spki_sha256 = ? AND serial = ?').get(issuerSpkiSha256, serial);
    if (clash) throw new HallmarkError('SERIAL_REUSED', `serial ${serial} was already used by this issuer`, 'check');
    const now = new Date().toISOString();
    const info = this.workspace.db
      .prepare(
        `INSERT INTO certificates (sha256, issuer_spki_sha256, serial, issuer_ca, profile, subject, common_name, spki_sha256, not_before, not_after, der, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        cert.sha256,
        issuerSpkiSha256,
        serial,
        meta.issuerCa,
        meta.profile,
        meta.subject,
        cert.subject.find((a) => a.oid === OID.commonName)?.value ?? null,
        sha256Hex(cert.spki),
        cert.notBefore.toISOString(),
        cert.notAfter.toISOString(),
        cert.der,
        now,
      );
    return this.byId(Number(info.lastInsertRowid));
  }

  byId(id: number): CertificateRow {
    const row = this.workspace.db.prepare('SELECT * FROM certificates WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new HallmarkError('CERTIFICATE_NOT_FOUND', `no certificate with id ${id}`);
    return toRow(row);
  }

  bySerial(issuerCa: string, serialHex: string): CertificateRow | undefined {
    const row = this.workspace.db.prepare('SELECT * FROM certificates WHERE issuer_ca = ? AND serial = ?').get(issuerCa, serialHex.toLowerCase()) as
      Row | undefined;
    return row ? toRow(row) : undefined;
  }

  /**
   * Active intermediate CA certificates this workspace signed for keys it does not hold
   * (an online CA's, from its CSR): the newest per issuer and subject, since a re-issued
   * certificate takes over its predecessor's duties.
   */
  externalIntermediates(): CertificateRow[] {
    const rows = this.workspace.db
      .prepare(
        `SELECT c.* FROM certificates c
         WHERE c.profile = 'intermediate' AND c.status = 'active' AND c.issuer_ca IS NOT NULL
           AND c.id NOT IN (SELECT certificate_id FROM cas)
           AND c.id = (SELECT MAX(d.id) FROM certificates d WHERE d.profile = 'intermediate' AND d.status = 'active' AND d.issuer_ca = c.issuer_ca AND d.subject = c.subject)
         ORDER BY c.id`,
      )
      .all() as Row[];
    return rows.map(toRow);
  }

  /** The newest certificate `issuerCa` issued for the key `spkiSha256` since `since` (ISO 8601), if any. */
  issuedSince(issuerCa: string, spkiSha256: string, since: string): CertificateRow | undefined {
    const row = this.workspace.db
      .prepare('SELECT * FROM certificates WHERE issuer_ca = ? AND spki_sha256 = ? AND created_at >= ? ORDER BY id DESC LIMIT 1')
      .get(issuerCa, spkiSha256, since) as Row | undefined;
    return row ? toRow(row) : undefined;
  }

  /** How many certificates the workspace CA `issuerCa` has issued (revoked ones included; a root's own not counted). */
  issuedCount(issuerCa: string): number {
    return (
      this.workspace.db
        .prepare('SELECT COUNT(*) AS n FROM certificates WHERE issuer_ca = ? AND id NOT IN (SELECT certificate_id FROM cas WHERE name = ?)')
        .get(issuerCa, issuerCa) as { n: number }
    ).n;
  }

  /** Every certificate of one profile (the Authorities screen's signers), oldest first. */
  withProfile(profile: ProfileName): CertificateRow[] {
    return (this.workspace.db.prepare('SELECT * FROM certificates WHERE profile = ? ORDER BY id').all(profile) as Row[]).map(toRow);
  }

  revokedBy(issuerCa: string): CertificateRow[] {
    return (this.workspace.db.prepare("SELECT * FROM certificates WHERE issuer_ca = ? AND status = 'revoked' ORDER BY id").all(issuerCa) as Row[]).map(toRow);
  }

  /** Must run inside Workspace.transact(). */
  markRevoked(id: number, at: Date, reason: string): void {
    this.workspace.db
      .prepare("UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ? WHERE id = ? AND status = 'active'")
      .run(at.toISOString(), reason, id);
  }
}

function toRow(r: Row): CertificateRow {
  return {
    id: r.id,
    sha256: r.sha256,
    issuerSpkiSha256: r.issuer_spki_sha256,
    serial: r.serial,
    issuerCa: r.issuer_ca,
    profile: r.profile,
    subject: r.subject,
    spkiSha256: r.spki_sha256,
    notBefore: r.not_before,
    notAfter: r.not_after,
    der: r.der,
    status: r.status,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    createdAt: r.created_at,
  };
}
