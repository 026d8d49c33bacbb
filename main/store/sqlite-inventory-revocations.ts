import type { InventoryRepository } from './inventory-repository.js';
import type { InventoryDeviceRow, InventorySearch } from './inventory-repository.js';
import type {
  CrlImportKeys,
  CrlImportView,
  CrlImportWrites,
  InventoryRevocations,
  RevocationRequestView,
  RevocationRequestWrites,
} from './inventory-revocations.js';
import {
  RevocationRepository,
  type InventoryCrlRow,
  type PendingRevocation,
  type RevocationRequestEntryRow,
  type RevocationRequestRow,
  type RevocationRequestSummary,
} from './revocation-repository.js';
import type { Workspace } from './workspace.js';

/**
 * Field revocation on the workspace's SQLite inventory: each decision runs inside one
 * IMMEDIATE transaction, so it reads what it writes and another process waits for it.
 */
export class SqliteInventoryRevocations implements InventoryRevocations {
  readonly backend = 'sqlite' as const;
  private readonly repo: RevocationRepository;

  constructor(
    private readonly workspace: Workspace,
    private readonly devices: InventoryRepository,
  ) {
    this.repo = new RevocationRepository(workspace);
  }

  async search(q: InventorySearch): Promise<InventoryDeviceRow[]> {
    return this.devices.search(q);
  }

  async recordRequest<T>(certificates: readonly string[], decide: (view: RevocationRequestView) => { writes: RevocationRequestWrites; result: T }): Promise<T> {
    const asked = new Set(certificates);
    const outside = (sha: string): never => {
      throw new Error(`the request asked about certificate ${sha}, which it did not declare`);
    };
    return this.workspace.transact(() => {
      const { writes, result } = decide({
        status: (sha) => (asked.has(sha) ? this.devices.byCertificate(sha)?.status : outside(sha)),
        pending: (sha) => (asked.has(sha) ? this.repo.pendingFor(sha) !== undefined : outside(sha)),
      });
      this.repo.insertRequest(writes.request, writes.entries);
      this.workspace.audit.append(writes.audit);
      return result;
    });
  }

  async importCrl<T>(keys: CrlImportKeys, decide: (view: CrlImportView) => { writes: CrlImportWrites | null; result: T }): Promise<T> {
    return this.workspace.transact(() => {
      const { writes, result } = decide({
        known: this.repo.crl(keys.sha256),
        latest: this.repo.latestCrlOf(keys.issuerSpkiSha256),
        pendingCount: this.repo.pendingCount(),
        devicesWithSerial: (serial) => this.repo.devicesWithSerial(serial),
        pending: (sha) => this.repo.pendingFor(sha) !== undefined,
      });
      if (writes) {
        this.repo.insertCrl(writes.crl);
        for (const r of writes.revoke) {
          this.devices.retire(r.certificateSha256, 'revoked', r.revokedAt, r.reason, r.statusManifestSha256);
          this.repo.insertCrlRevocation(r.certificateSha256, writes.crl.sha256);
        }
        for (const sha of writes.cover) this.repo.coverPending(sha, writes.crl.sha256);
        this.workspace.audit.append(writes.audit);
      }
      return result;
    });
  }

  async pendingAmong(certificates: readonly string[]): Promise<Set<string>> {
    return new Set(certificates.filter((sha) => this.repo.pendingFor(sha) !== undefined));
  }

  async pendingCertificates(): Promise<Set<string>> {
    return this.repo.pendingCertificates();
  }

  async pendingDevices(): Promise<PendingRevocation[]> {
    return this.repo.pendingDevices();
  }

  async requests(): Promise<RevocationRequestSummary[]> {
    return this.repo.requests();
  }

  async request(ref: string): Promise<RevocationRequestRow | undefined> {
    return this.repo.request(ref);
  }

  async entriesOf(requestSha256: string): Promise<RevocationRequestEntryRow[]> {
    return this.repo.entriesOf(requestSha256);
  }

  async crl(sha256: string): Promise<InventoryCrlRow | undefined> {
    return this.repo.crl(sha256);
  }

  async crlCount(): Promise<number> {
    return this.repo.crlCount();
  }
}
