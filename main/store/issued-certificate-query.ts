import type { Workspace } from './workspace.js';

export interface IssuedCertificateFilter {
  /** the issuing CA's name in the workspace */
  readonly ca?: string;
  /** the station work order (batch) the certificate was issued in */
  readonly workOrder?: string;
  /** the device's hardware serial */
  readonly hardwareSerial?: string;
  /** revoked / active, or expired (active but past notAfter at `now`) and valid (active and within it) */
  readonly status?: 'active' | 'revoked' | 'expired' | 'valid';
  /** exact certificate serial (hex, lowercase) */
  readonly serial?: string;
  readonly now?: Date;
  readonly limit?: number;
}

export interface IssuedCertificateRow {
  readonly id: number;
  readonly serial: string;
  readonly issuerCa: string | null;
  readonly profile: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: 'active' | 'revoked';
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly sha256: string;
  readonly createdAt: string;
  /** the work order and device it was issued to at the station; null for manual issuance and CAs */
  readonly workOrder: string | null;
  readonly hardwareSerial: string | null;
}

/**
 * The certificates this workspace signed, with the work order and device each went to,
 * filtered in SQL (parameters only): what `hallmark cert list` and `cert show` read.
 */
export function queryIssuedCertificates(ws: Workspace, f: IssuedCertificateFilter): IssuedCertificateRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const filter = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    args.push(...values);
  };
  if (f.ca !== undefined) filter('c.issuer_ca = ?', f.ca);
  if (f.workOrder !== undefined) filter('dc.batch_id = ?', f.workOrder);
  if (f.hardwareSerial !== undefined) filter('d.hardware_serial = ?', f.hardwareSerial);
  if (f.serial !== undefined) filter('c.serial = ?', f.serial);
  const now = (f.now ?? new Date()).toISOString();
  if (f.status === 'active' || f.status === 'revoked') filter('c.status = ?', f.status);
  // ISO 8601 UTC strings of one format compare as their instants.
  if (f.status === 'expired') filter("c.status = 'active' AND c.not_after < ?", now);
  if (f.status === 'valid') filter("c.status = 'active' AND c.not_before <= ? AND c.not_after >= ?", now, now);
  const sql = `SELECT c.id, c.serial, c.issuer_ca, c.profile, c.subject, c.not_before, c.not_after, c.status, c.revoked_at, c.revocation_reason, c.sha256, c.created_at,
                      dc.batch_id AS work_order, d.hardware_serial
               FROM certificates c
               LEFT JOIN device_certificates dc ON dc.certificate_id = c.id
               LEFT JOIN devices d ON d.id = dc.device_id
               ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
               ORDER BY c.id
               ${f.limit !== undefined ? 'LIMIT ?' : ''}`;
  if (f.limit !== undefined) args.push(f.limit);
  return (ws.db.prepare(sql).all(...args) as Record<string, string | number | null>[]).map((r) => ({
    id: r['id'] as number,
    serial: r['serial'] as string,
    issuerCa: r['issuer_ca'] as string | null,
    profile: r['profile'] as string,
    subject: r['subject'] as string,
    notBefore: r['not_before'] as string,
    notAfter: r['not_after'] as string,
    status: r['status'] as 'active' | 'revoked',
    revokedAt: r['revoked_at'] as string | null,
    revocationReason: r['revocation_reason'] as string | null,
    sha256: r['sha256'] as string,
    createdAt: r['created_at'] as string,
    workOrder: r['work_order'] as string | null,
    hardwareSerial: r['hardware_serial'] as string | null,
  }));
}
