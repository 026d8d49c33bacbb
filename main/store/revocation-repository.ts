import type { Statement } from 'better-sqlite3';
import type { InventoryDeviceRow } from './inventory-repository.js';
import type { Workspace } from './workspace.js';

export interface InventoryKeyRow {
  readonly id: number;
  readonly keyLabel: string;
  /** DER of the self-signed revocation-requester certificate */
  readonly certificate: Buffer;
  readonly certificateSha256: string;
  readonly spkiSha256: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface RevocationRequestRow {
  readonly sha256: string;
  readonly requestId: string;
  /** the exact bytes of revocation-request.json */
  readonly document: Buffer;
  /** its detached CMS (revocation-request.json.p7s) */
  readonly signature: Buffer;
  readonly signerSha256: string;
  readonly entries: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface RevocationRequestEntryRow {
  readonly requestSha256: string;
  readonly certificateSha256: string;
  readonly reason: string;
  readonly requestedAt: string;
  /** the imported CRL that covered it; null while pending */
  readonly crlSha256: string | null;
}

/** A request with how many of its entries an imported CRL has covered. */
export interface RevocationRequestSummary extends Omit<RevocationRequestRow, 'document' | 'signature'> {
  readonly pending: number;
  readonly covered: number;
}

export interface PendingRevocation {
  readonly requestId: string;
  readonly requestSha256: string;
  readonly certificateSha256: string;
  readonly reason: string;
  readonly requestedAt: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly certificateSerial: string;
  readonly status: string;
}

export interface InventoryCrlRow {
  readonly sha256: string;
  readonly issuerSpkiSha256: string;
  readonly issuerName: string;
  readonly issuerCertificateSha256: string;
  readonly crlNumber: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  readonly entries: number;
  readonly der: Buffer;
  readonly importedAt: string;
  readonly importedBy: string;
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

/**
 * The inventory's field-revocation tables (migration 014). Writes must run inside
 * Workspace.transact() with their audit entry.
 */
export class RevocationRepository {
  private statements: Record<string, Statement> = {};
  constructor(private readonly workspace: Workspace) {}

  private stmt(sql: string): Statement {
    return (this.statements[sql] ??= this.workspace.db.prepare(sql));
  }

  // ---- the inventory key ----

  currentKey(): InventoryKeyRow | undefined {
    const r = this.stmt('SELECT * FROM inventory_keys ORDER BY id DESC LIMIT 1').get() as Record<string, unknown> | undefined;
    return r ? mapRow<InventoryKeyRow>(r) : undefined;
  }

  keys(): InventoryKeyRow[] {
    return (this.stmt('SELECT * FROM inventory_keys ORDER BY id').all() as Record<string, unknown>[]).map((r) => mapRow<InventoryKeyRow>(r));
  }

  insertKey(row: Omit<InventoryKeyRow, 'id'>): InventoryKeyRow {
    const info = this.stmt(
      'INSERT INTO inventory_keys (key_label, certificate, certificate_sha256, spki_sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(row.keyLabel, row.certificate, row.certificateSha256, row.spkiSha256, row.createdAt, row.createdBy);
    return { ...row, id: Number(info.lastInsertRowid) };
  }

  // ---- requests ----

  insertRequest(row: RevocationRequestRow, entries: readonly Omit<RevocationRequestEntryRow, 'requestSha256' | 'crlSha256'>[]): void {
    this.stmt(
      'INSERT INTO revocation_requests (sha256, request_id, document, signature, signer_sha256, entries, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(row.sha256, row.requestId, row.document, row.signature, row.signerSha256, row.entries, row.createdAt, row.createdBy);
    const insert = this.stmt('INSERT INTO revocation_request_entries (request_sha256, certificate_sha256, reason, requested_at) VALUES (?, ?, ?, ?)');
    for (const e of entries) insert.run(row.sha256, e.certificateSha256, e.reason, e.requestedAt);
  }

  /** the entry still waiting for a CRL for this certificate, if any (at most one) */
  pendingFor(certificateSha256: string): RevocationRequestEntryRow | undefined {
    const r = this.stmt('SELECT * FROM revocation_request_entries WHERE certificate_sha256 = ? AND crl_sha256 IS NULL').get(certificateSha256) as
      Record<string, unknown> | undefined;
    return r ? mapRow<RevocationRequestEntryRow>(r) : undefined;
  }

  requests(): RevocationRequestSummary[] {
    const rows = this.stmt(
      `SELECT r.sha256, r.request_id, r.signer_sha256, r.entries, r.created_at, r.created_by,
              SUM(e.crl_sha256 IS NULL) AS pending, SUM(e.crl_sha256 IS NOT NULL) AS covered
         FROM revocation_requests r JOIN revocation_request_entries e ON e.request_sha256 = r.sha256
        GROUP BY r.sha256 ORDER BY r.created_at, r.sha256`,
    ).all() as Record<string, unknown>[];
    return rows.map((r) => mapRow<RevocationRequestSummary>(r));
  }

  /** by SHA-256 or request id */
  request(ref: string): RevocationRequestRow | undefined {
    const r = this.stmt('SELECT * FROM revocation_requests WHERE sha256 = ? OR request_id = ?').get(ref, ref) as Record<string, unknown> | undefined;
    return r ? mapRow<RevocationRequestRow>(r) : undefined;
  }

  entriesOf(requestSha256: string): RevocationRequestEntryRow[] {
    return (this.stmt('SELECT * FROM revocation_request_entries WHERE request_sha256 = ? ORDER BY rowid').all(requestSha256) as Record<string, unknown>[]).map(
      (r) => mapRow<RevocationRequestEntryRow>(r),
    );
  }

  /** Marks the pending entry of a certificate covered by an imported CRL. Must run inside Workspace.transact(). */
  coverPending(certificateSha256: string, crlSha256: string): number {
    return this.stmt('UPDATE revocation_request_entries SET crl_sha256 = ? WHERE certificate_sha256 = ? AND crl_sha256 IS NULL').run(
      crlSha256,
      certificateSha256,
    ).changes;
  }

  // ---- CRLs ----

  crl(sha256: string): InventoryCrlRow | undefined {
    const r = this.stmt('SELECT * FROM inventory_crls WHERE sha256 = ?').get(sha256) as Record<string, unknown> | undefined;
    return r ? mapRow<InventoryCrlRow>(r) : undefined;
  }

  /** the issuer's imported CRL with the highest number */
  latestCrlOf(issuerSpkiSha256: string): InventoryCrlRow | undefined {
    const r = this.stmt('SELECT * FROM inventory_crls WHERE issuer_spki_sha256 = ? ORDER BY crl_number DESC LIMIT 1').get(issuerSpkiSha256) as
      Record<string, unknown> | undefined;
    return r ? mapRow<InventoryCrlRow>(r) : undefined;
  }

  insertCrl(row: InventoryCrlRow): void {
    this.stmt(
      `INSERT INTO inventory_crls (sha256, issuer_spki_sha256, issuer_name, issuer_certificate_sha256, crl_number, this_update, next_update, entries, der, imported_at, imported_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.sha256,
      row.issuerSpkiSha256,
      row.issuerName,
      row.issuerCertificateSha256,
      row.crlNumber,
      row.thisUpdate,
      row.nextUpdate,
      row.entries,
      row.der,
      row.importedAt,
      row.importedBy,
    );
  }

  insertCrlRevocation(certificateSha256: string, crlSha256: string): void {
    this.stmt('INSERT INTO inventory_crl_revocations (certificate_sha256, crl_sha256) VALUES (?, ?)').run(certificateSha256, crlSha256);
  }

  // ---- the devices a CRL names ----

  /** inventory certificates with this serial (hex, lower case), whatever their issuer: the caller compares issuers */
  devicesWithSerial(certificateSerial: string): InventoryDeviceRow[] {
    return (this.stmt('SELECT * FROM inventory_devices WHERE certificate_serial = ? ORDER BY id').all(certificateSerial) as Record<string, unknown>[]).map(
      (r) => mapRow<InventoryDeviceRow>(r),
    );
  }

  /** the devices shown as "revocation requested": entries no imported CRL has covered yet, oldest first */
  pendingDevices(): PendingRevocation[] {
    const rows = this.stmt(
      `SELECT r.request_id, e.request_sha256, e.certificate_sha256, e.reason, e.requested_at, d.hardware_serial, d.model, d.certificate_serial, d.status
         FROM revocation_request_entries e
         JOIN revocation_requests r ON r.sha256 = e.request_sha256
         JOIN inventory_devices d ON d.certificate_sha256 = e.certificate_sha256
        WHERE e.crl_sha256 IS NULL ORDER BY e.requested_at, d.id`,
    ).all() as Record<string, unknown>[];
    return rows.map((r) => mapRow<PendingRevocation>(r));
  }

  pendingCount(): number {
    return this.stmt('SELECT COUNT(*) FROM revocation_request_entries WHERE crl_sha256 IS NULL').pluck().get() as number;
  }

  crlCount(): number {
    return this.stmt('SELECT COUNT(*) FROM inventory_crls').pluck().get() as number;
  }

  /** certificates with a pending request, for the list's "revocation requested" */
  pendingCertificates(): Set<string> {
    return new Set(this.stmt('SELECT certificate_sha256 FROM revocation_request_entries WHERE crl_sha256 IS NULL').pluck().all() as string[]);
  }
}
