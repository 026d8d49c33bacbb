import type { PoolClient } from 'pg';
import type { InventoryDeviceRow, InventorySearch, InventoryStatus } from '../inventory-repository.js';
import type {
  CrlImportKeys,
  CrlImportView,
  CrlImportWrites,
  InventoryRevocations,
  RevocationRequestView,
  RevocationRequestWrites,
} from '../inventory-revocations.js';
import type {
  InventoryCrlRow,
  PendingRevocation,
  RevocationRequestEntryRow,
  RevocationRequestRow,
  RevocationRequestSummary,
} from '../revocation-repository.js';
import { appendAuditIn } from './pg-audit.js';
import { InventoryDbError, isRetryable, pgFailure } from './pg-errors.js';

/** What the revocation state borrows from its PgInventoryStore: the pool, the location for messages, the retry budget. */
export interface PgRevocationSession {
  readonly location: string;
  readonly attempts: number;
  withClient<T>(during: string, fn: (c: PoolClient) => Promise<T>): Promise<T>;
  search(q: InventorySearch): Promise<InventoryDeviceRow[]>;
}

/** Every request and CRL import of one inventory serializes on this (transaction-scoped advisory lock). */
const REVOCATION_LOCK = 'hallmark-inventory-revocation';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

const SUMMARY_COLUMNS = 'r.sha256, r.request_id, r.signer_sha256, r.entries, r.created_at, r.created_by';

/**
 * Field revocation on the PostgreSQL inventory (migration 002). Each request and each CRL
 * import is one READ COMMITTED transaction that first takes the inventory's revocation
 * advisory lock, so requests and imports from any number of machines run one after the
 * other and each decides on what the previous one committed: a device is requested once
 * (the partial unique index backs this up), a CRL is imported once, an older one refused.
 * Manifest imports do not take that lock; a CRL moves a device to revoked only while it is
 * still active (as the importer retires), and a row a concurrent import retired meanwhile
 * makes the transaction run again, where the decision sees it retired. The audit entry
 * is appended last, in the same transaction (appendAuditIn locks the head row).
 */
export class PgInventoryRevocations implements InventoryRevocations {
  readonly backend = 'postgres' as const;

  constructor(private readonly s: PgRevocationSession) {}

  search(q: InventorySearch): Promise<InventoryDeviceRow[]> {
    return this.s.search(q);
  }

  async recordRequest<T>(certificates: readonly string[], decide: (view: RevocationRequestView) => { writes: RevocationRequestWrites; result: T }): Promise<T> {
    return this.transaction('recording a revocation request', async (c) => {
      const rows = (
        await c.query<{ certificate_sha256: string; status: InventoryStatus; pending: boolean }>(
          `SELECT d.certificate_sha256, d.status,
                  EXISTS (SELECT 1 FROM revocation_request_entries e WHERE e.certificate_sha256 = d.certificate_sha256 AND e.crl_sha256 IS NULL) AS pending
             FROM unnest($1::text[]) AS k(sha) CROSS JOIN LATERAL (SELECT certificate_sha256, status FROM inventory_devices WHERE certificate_sha256 = k.sha LIMIT 1) d`,
          [[...new Set(certificates)]],
        )
      ).rows;
      const byCert = new Map(rows.map((r) => [r.certificate_sha256, r]));
      const asked = new Set(certificates);
      const outside = (sha: string): never => {
        throw new Error(`the request asked about certificate ${sha}, which it did not declare`);
      };
      const { writes, result } = decide({
        status: (sha) => (asked.has(sha) ? byCert.get(sha)?.status : outside(sha)),
        pending: (sha) => (asked.has(sha) ? byCert.get(sha)?.pending === true : outside(sha)),
      });
      const r = writes.request;
      await c.query(
        'INSERT INTO revocation_requests (sha256, request_id, document, signature, signer_sha256, entries, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [r.sha256, r.requestId, r.document, r.signature, r.signerSha256, r.entries, r.createdAt, r.createdBy],
      );
      // one statement, in the request's order (the identity column keeps it)
      await c.query(
        `INSERT INTO revocation_request_entries (request_sha256, certificate_sha256, reason, requested_at)
         SELECT $1, e.cert, e.reason, e.at FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(cert, reason, at, n) ORDER BY e.n`,
        [r.sha256, writes.entries.map((e) => e.certificateSha256), writes.entries.map((e) => e.reason), writes.entries.map((e) => e.requestedAt)],
      );
      await appendAuditIn(c, writes.audit);
      return result;
    });
  }

  async importCrl<T>(keys: CrlImportKeys, decide: (view: CrlImportView) => { writes: CrlImportWrites | null; result: T }): Promise<T> {
    return this.transaction(`importing CRL ${keys.sha256}`, async (c) => {
      const known = (await c.query<Record<string, unknown>>('SELECT * FROM inventory_crls WHERE sha256 = $1', [keys.sha256])).rows[0];
      const latest = (
        await c.query<Record<string, unknown>>('SELECT * FROM inventory_crls WHERE issuer_spki_sha256 = $1 ORDER BY crl_number DESC LIMIT 1', [
          keys.issuerSpkiSha256,
        ])
      ).rows[0];
      const pendingCount = (await c.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM revocation_request_entries WHERE crl_sha256 IS NULL')).rows[0]!.n;
      const serials = [...new Set(keys.serials)];
      const devices = (
        await c.query<Record<string, unknown> & { pending: boolean }>(
          `SELECT d.*, EXISTS (SELECT 1 FROM revocation_request_entries e WHERE e.certificate_sha256 = d.certificate_sha256 AND e.crl_sha256 IS NULL) AS pending
             FROM unnest($1::text[]) AS k(serial) CROSS JOIN LATERAL (SELECT * FROM inventory_devices WHERE certificate_serial = k.serial) d
            ORDER BY d.id`,
          [serials],
        )
      ).rows;
      const bySerial = new Map<string, InventoryDeviceRow[]>();
      const pending = new Set<string>();
      for (const { pending: p, ...row } of devices) {
        const d = mapRow<InventoryDeviceRow>(row);
        bySerial.set(d.certificateSerial, [...(bySerial.get(d.certificateSerial) ?? []), d]);
        if (p) pending.add(d.certificateSha256);
      }
      const asked = new Set(serials);
      const { writes, result } = decide({
        known: known ? mapRow<InventoryCrlRow>(known) : undefined,
        latest: latest ? mapRow<InventoryCrlRow>(latest) : undefined,
        pendingCount,
        devicesWithSerial: (serial) => {
          if (!asked.has(serial)) throw new Error(`the CRL import asked about serial ${serial}, which it did not declare`);
          return bySerial.get(serial) ?? [];
        },
        pending: (sha) => pending.has(sha),
      });
      if (writes) await this.writeCrl(c, writes);
      return result;
    });
  }

  private async writeCrl(c: PoolClient, w: CrlImportWrites): Promise<void> {
    const x = w.crl;
    await c.query(
      `INSERT INTO inventory_crls (sha256, issuer_spki_sha256, issuer_name, issuer_certificate_sha256, crl_number, this_update, next_update, entries, der, imported_at, imported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        x.sha256,
        x.issuerSpkiSha256,
        x.issuerName,
        x.issuerCertificateSha256,
        x.crlNumber,
        x.thisUpdate,
        x.nextUpdate,
        x.entries,
        x.der,
        x.importedAt,
        x.importedBy,
      ],
    );
    if (w.revoke.length) {
      const certs = w.revoke.map((r) => r.certificateSha256);
      const moved = await c.query(
        `UPDATE inventory_devices d SET status = 'revoked', revoked_at = r.revoked_at, revocation_reason = r.reason, status_manifest_sha256 = r.manifest
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(sha256, revoked_at, reason, manifest)
          WHERE d.certificate_sha256 = r.sha256 AND d.status IN ('confirmed', 'failed')`,
        [certs, w.revoke.map((r) => r.revokedAt), w.revoke.map((r) => r.reason), w.revoke.map((r) => r.statusManifestSha256)],
      );
      // a concurrent manifest import retired one since the view was read: decide again on what it committed
      if (moved.rowCount !== w.revoke.length) throw Object.assign(new Error('a certificate to revoke is no longer active'), { retry: true });
      await c.query('INSERT INTO inventory_crl_revocations (certificate_sha256, crl_sha256) SELECT s, $2 FROM unnest($1::text[]) AS s', [certs, x.sha256]);
    }
    if (w.cover.length) {
      const covered = await c.query('UPDATE revocation_request_entries SET crl_sha256 = $1 WHERE certificate_sha256 = ANY($2::text[]) AND crl_sha256 IS NULL', [
        x.sha256,
        [...w.cover],
      ]);
      if (covered.rowCount !== w.cover.length) throw Object.assign(new Error('a pending request entry changed under the revocation lock'), { retry: true });
    }
    await appendAuditIn(c, w.audit);
  }

  /** One revocation transaction under the lock; one that lost a race (unique index, retired row) runs again whole. */
  private async transaction<T>(during: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.s.withClient(during, async (c) => {
          await c.query('BEGIN ISOLATION LEVEL READ COMMITTED');
          try {
            await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [REVOCATION_LOCK]);
            const r = await fn(c);
            await c.query('COMMIT');
            return r;
          } catch (e) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw e;
          }
        });
      } catch (e) {
        if (!isRetryable(e)) throw pgFailure(e, this.s.location, during);
        if (attempt >= this.s.attempts)
          throw new InventoryDbError(
            'INVENTORY_DB_CONTENDED',
            `${this.s.location}: ${during} lost ${attempt} races; nothing was written — run it again`,
            'environment',
            {
              sqlstate: (e as { code?: string }).code,
            },
          );
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private async rows<T>(during: string, sql: string, args: unknown[] = []): Promise<T[]> {
    try {
      return await this.s.withClient(during, async (c) => (await c.query<Record<string, unknown>>(sql, args)).rows.map((r) => mapRow<T>(r)));
    } catch (e) {
      throw pgFailure(e, this.s.location, during);
    }
  }

  async pendingAmong(certificates: readonly string[]): Promise<Set<string>> {
    const rows = await this.rows<{ certificateSha256: string }>(
      'reading pending revocations',
      'SELECT certificate_sha256 FROM revocation_request_entries WHERE certificate_sha256 = ANY($1::text[]) AND crl_sha256 IS NULL',
      [[...certificates]],
    );
    return new Set(rows.map((r) => r.certificateSha256));
  }

  async pendingCertificates(): Promise<Set<string>> {
    const rows = await this.rows<{ certificateSha256: string }>(
      'reading pending revocations',
      'SELECT certificate_sha256 FROM revocation_request_entries WHERE crl_sha256 IS NULL',
    );
    return new Set(rows.map((r) => r.certificateSha256));
  }

  pendingDevices(): Promise<PendingRevocation[]> {
    return this.rows<PendingRevocation>(
      'reading pending revocations',
      `SELECT r.request_id, e.request_sha256, e.certificate_sha256, e.reason, e.requested_at, d.hardware_serial, d.model, d.certificate_serial, d.status
         FROM revocation_request_entries e
         JOIN revocation_requests r ON r.sha256 = e.request_sha256
         JOIN inventory_devices d ON d.certificate_sha256 = e.certificate_sha256
        WHERE e.crl_sha256 IS NULL ORDER BY e.requested_at, d.id`,
    );
  }

  requests(): Promise<RevocationRequestSummary[]> {
    return this.rows<RevocationRequestSummary>(
      'listing revocation requests',
      `SELECT ${SUMMARY_COLUMNS},
              COUNT(*) FILTER (WHERE e.crl_sha256 IS NULL)::int AS pending, COUNT(*) FILTER (WHERE e.crl_sha256 IS NOT NULL)::int AS covered
         FROM revocation_requests r JOIN revocation_request_entries e ON e.request_sha256 = r.sha256
        GROUP BY r.sha256 ORDER BY r.created_at, r.sha256`,
    );
  }

  async request(ref: string): Promise<RevocationRequestRow | undefined> {
    return (
      await this.rows<RevocationRequestRow>('reading a revocation request', 'SELECT * FROM revocation_requests WHERE sha256 = $1 OR request_id = $1', [ref])
    )[0];
  }

  async entriesOf(requestSha256: string): Promise<RevocationRequestEntryRow[]> {
    const rows = await this.rows<RevocationRequestEntryRow & { id?: number }>(
      'reading a revocation request',
      'SELECT * FROM revocation_request_entries WHERE request_sha256 = $1 ORDER BY id',
      [requestSha256],
    );
    return rows.map(({ id: _id, ...e }) => e);
  }

  async crl(sha256: string): Promise<InventoryCrlRow | undefined> {
    return (await this.rows<InventoryCrlRow>('reading an imported CRL', 'SELECT * FROM inventory_crls WHERE sha256 = $1', [sha256]))[0];
  }

  async crlCount(): Promise<number> {
    return (await this.rows<{ n: number }>('counting imported CRLs', 'SELECT COUNT(*)::int AS n FROM inventory_crls'))[0]!.n;
  }
}
