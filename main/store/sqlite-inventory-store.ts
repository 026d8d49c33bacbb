import type { AuditEntry, AuditEvent } from './audit/audit-entry.js';
import type { ChainStatus } from './audit/audit-verify.js';
import { SCAN_COLUMNS, type InventoryCertificateScanRow } from './inventory-certificate-scan.js';
import { InventoryRepository, type InventoryDeviceRow, type InventoryManifestRow, type InventorySearch } from './inventory-repository.js';
import type { InventoryRevocations } from './inventory-revocations.js';
import { SqliteInventoryRevocations } from './sqlite-inventory-revocations.js';
import type {
  ImportDecision,
  InventoryPageQuery,
  InventoryPageRow,
  InventoryStore,
  InventoryView,
  ManifestKeys,
  ManifestStatusCounts,
  SharedPublicKeys,
} from './inventory-store.js';
import { inventoryPage } from './sqlite-inventory-page-query.js';
import { inventoryStats } from './sqlite-inventory-stats.js';
import { sqliteSharedPublicKeys } from './sqlite-shared-public-keys.js';
import type { Workspace } from './workspace.js';

/**
 * The embedded inventory: the workspace's SQLite database (migration 006) and its audit
 * log. The default for one machine. Each import is one IMMEDIATE transaction, so two
 * processes importing into one workspace serialize; the view reads the database itself.
 */
export class SqliteInventoryStore implements InventoryStore {
  readonly backend = 'sqlite' as const;
  readonly repo: InventoryRepository;

  /** `owned`: close() closes the workspace too (the CLI opened it for this store). */
  constructor(
    readonly workspace: Workspace,
    private readonly owned = false,
  ) {
    this.repo = new InventoryRepository(workspace);
  }

  get location(): string {
    return this.workspace.home;
  }

  async receiverId(): Promise<string> {
    return this.workspace.info().workspaceId;
  }

  async importManifest(_keys: ManifestKeys, decide: (view: InventoryView) => ImportDecision): Promise<ImportDecision> {
    return this.importManifestSync(decide);
  }

  /** The synchronous import the embedded callers (the app's handlers, the bench) use. */
  importManifestSync(decide: (view: InventoryView) => ImportDecision): ImportDecision {
    const repo = this.repo;
    return this.workspace.transact(() => {
      const d = decide(repo);
      if (d.kind === 'known') return d;
      repo.insertManifest(d.manifest);
      // Retire first: the partial unique index allows one active certificate per device.
      for (const r of d.retirements) repo.retire(r.certificateSha256, r.status, r.revokedAt, r.reason, d.manifest.sha256);
      for (const row of d.inserts) repo.insertDevice(row);
      this.workspace.audit.append(d.audit);
      return d;
    });
  }

  async manifest(sha256: string): Promise<InventoryManifestRow | undefined> {
    return this.repo.manifest(sha256);
  }

  async manifests(): Promise<InventoryManifestRow[]> {
    return this.repo.manifests();
  }

  async byCertificate(sha256: string): Promise<InventoryDeviceRow | undefined> {
    return this.repo.byCertificate(sha256);
  }

  async search(q: InventorySearch): Promise<InventoryDeviceRow[]> {
    return this.repo.search(q);
  }

  async countDevices(): Promise<number> {
    return this.repo.countDevices();
  }

  async page(q: InventoryPageQuery): Promise<{ total: number; rows: InventoryPageRow[] }> {
    return inventoryPage(this.workspace, q);
  }

  async statusCounts(): Promise<ManifestStatusCounts[]> {
    return inventoryStats(this.workspace);
  }

  async sharedPublicKeys(maxKeys: number): Promise<SharedPublicKeys> {
    return sqliteSharedPublicKeys(this.workspace, maxKeys);
  }

  async scanCertificates(afterId: number, limit: number): Promise<InventoryCertificateScanRow[]> {
    return this.workspace.db
      .prepare(`SELECT ${SCAN_COLUMNS} FROM inventory_devices WHERE id > ? ORDER BY id LIMIT ?`)
      .all(afterId, limit) as InventoryCertificateScanRow[];
  }

  async appendAudit(event: AuditEvent): Promise<AuditEntry> {
    return this.workspace.audit.append(event);
  }

  async auditEntries(sinceSeq?: number): Promise<AuditEntry[]> {
    return this.workspace.audit.query({ sinceSeq }).entries;
  }

  async verifyAudit(): Promise<ChainStatus> {
    return this.workspace.verifyAudit();
  }

  revocations(): InventoryRevocations {
    return new SqliteInventoryRevocations(this.workspace, this.repo);
  }

  async close(): Promise<void> {
    if (this.owned) this.workspace.close();
  }
}
