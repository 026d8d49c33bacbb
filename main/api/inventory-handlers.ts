import { refusalOf } from '../files/refusal-audit.js';
import type { Input, InventoryImportResultView, OperationName, Output } from '../../preload/api.js';
import type { InventoryHealthOperation } from '../../preload/api-inventory-health.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import { importManifestFolderInto } from '../inventory/import-manifest.js';
import { sharedKeyDevice } from '../inventory/health/fleet-health.js';
import { InventoryError } from '../inventory/inventory-errors.js';
import { stationChains } from '../inventory/station-chains.js';
import { readTrustAnchors, readTrustFile } from '../manifest/verify/read-trust-anchors.js';
import { inventorySource } from '../store/inventory-db-setting.js';
import type { InventoryStore } from '../store/inventory-store.js';
import { openInventoryStore } from '../store/open-inventory-store.js';
import { redactUrl } from '../store/postgres/pg-inventory-store.js';
import { SettingsRepository } from '../store/settings-repository.js';
import { SqliteInventoryStore } from '../store/sqlite-inventory-store.js';
import type { Workspace } from '../store/workspace.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { certificateView } from './certificate-view.js';
import { actingCallerOf, type ActingCallerOf } from './acting-caller.js';
import { OperatorSessions } from '../operators/operator-sessions.js';

// health and reconcile have their own handlers (inventory-health-handlers.ts)
type InventoryOp = Exclude<Extract<OperationName, `inventory.${string}`>, InventoryHealthOperation>;
export type InventoryHandlers = { [Op in InventoryOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/** Shared keys listed on the screen; more are counted as truncated (the CLI and SQL see them all). */
const MAX_SHARED_KEYS = 200;

/** "AB:CD:…" and upper case as people paste them; the index holds lower-case hex. */
function normalizeFingerprint(raw: string): string {
  const hex = raw.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new InventoryError('INVENTORY_SEARCH_INVALID', `a fingerprint is a SHA-256 in hex (64 digits), got "${raw}"`);
  return hex;
}

/**
 * The inventory the section uses, resolved on every call (the CLI may change the setting
 * while the app runs): the main process's HALLMARK_INVENTORY_DB, else the workspace's
 * `inventory.db` setting, else the workspace's SQLite. A PostgreSQL store is opened once
 * per URL and kept; one that failed to open is not kept, so the next call tries again
 * (the server may be back).
 */
export class InventorySourceResolver {
  private readonly sqlite: SqliteInventoryStore;
  private pg: { url: string; store: Promise<InventoryStore> } | undefined;

  constructor(
    private readonly ws: Workspace,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.sqlite = new SqliteInventoryStore(ws);
  }

  source() {
    return inventorySource(this.env, new SettingsRepository(this.ws).inventoryDb());
  }

  async store(): Promise<InventoryStore> {
    const src = this.source();
    if (src.backend === 'sqlite') return this.sqlite;
    if (this.pg?.url !== src.url) {
      const old = this.pg;
      const store = openInventoryStore(src.url, { actor: 'app' });
      this.pg = { url: src.url, store };
      store.catch(() => {
        if (this.pg?.store === store) this.pg = undefined;
      });
      void old?.store.then(
        (s) => s.close(),
        () => undefined,
      );
    }
    return this.pg.store;
  }
}

/**
 * The Inventory section: the same import, listing and search as `hallmark inventory`,
 * through the InventoryStore interface, so the section works the same on the workspace's
 * SQLite and on a shared PostgreSQL inventory. Each folder is imported or refused on its
 * own (as the CLI does), so one bad stick does not hide the result of the others; the
 * audit log names the account signed in at the caller's window, or the typed operator while
 * the workspace has no accounts (acting-caller.ts).
 */
export function createInventoryHandlers(
  ws: Workspace,
  env: NodeJS.ProcessEnv = process.env,
  acting: ActingCallerOf = actingCallerOf(ws, new OperatorSessions()),
): InventoryHandlers {
  const inventory = new InventorySourceResolver(ws, env);
  return {
    'inventory.import': async ({ dirs, trustPem, operator: typed }, caller) => {
      // Before the trust file or any folder is read: a refusal reads nothing.
      const operator = acting(caller, { typed, action: 'import manifests' }).name;
      const anchors = readTrustAnchors(readTrustFile(trustPem), trustPem);
      const store = await inventory.store();
      const results: InventoryImportResultView[] = [];
      for (const folder of dirs) {
        try {
          const r = await importManifestFolderInto(store, folder, { anchors, actor: operator });
          const m = r.manifest;
          results.push({
            folder,
            ok: true,
            created: r.created,
            batchId: m.batchId,
            sequence: m.sequence,
            entries: m.entries,
            added: m.added,
            unchanged: m.unchanged,
            retired: m.retired,
            notes: r.notes,
          });
        } catch (e) {
          if (!isHallmarkError(e)) throw e;
          // One folder's refusal does not stop the others, so core-api's wrapper never sees it: audit it here (this machine's log: the medium was here).
          const refusal = refusalOf(e);
          if (refusal !== null) {
            ws.audit.append({
              actor: operator,
              action: refusal.action,
              subject: refusal.path ?? folder,
              details: { operation: 'inventory.import', code: refusal.code, message: refusal.message },
            });
          }
          results.push({ folder, ok: false, code: e.code, message: e.message });
        }
      }
      return { results };
    },
    'inventory.batches': async () => {
      const store = await inventory.store();
      // Active now = what the manifest added minus what later manifests retired: from the chart's counts, no GROUP BY over every row.
      const active = new Map((await store.statusCounts()).map((b) => [b.manifestSha256, b.confirmed + b.failed]));
      return {
        batches: (await store.manifests())
          .map((m) => ({
            manifestSha256: m.sha256,
            stationId: m.stationId,
            sequence: m.sequence,
            batchId: m.batchId,
            model: m.model,
            entries: m.entries,
            certificates: m.certificates,
            confirmed: m.confirmed,
            failed: m.failed,
            superseded: m.superseded,
            revoked: m.revoked,
            added: m.added,
            active: active.get(m.sha256) ?? 0,
            signedAt: m.signedAt,
            importedAt: m.importedAt,
            importedBy: m.importedBy,
          }))
          .reverse(),
      };
    },
    'inventory.search': async (q) =>
      (await inventory.store()).page({
        offset: q.offset,
        limit: q.limit,
        serial: q.serial?.trim() || undefined,
        fingerprint: q.fingerprint !== undefined ? normalizeFingerprint(q.fingerprint) : undefined,
        batch: q.batch,
        status: q.status,
      }),
    'inventory.stats': async () => ({ batches: await (await inventory.store()).statusCounts() }),
    'inventory.fleet': async () => {
      const store = await inventory.store();
      const shared = await store.sharedPublicKeys(MAX_SHARED_KEYS);
      return {
        stations: stationChains(await store.manifests()) as Output<'inventory.fleet'>['stations'],
        sharedKeys: shared.keys.map((certs) => ({
          publicKeySha256: certs[0]!.publicKeySha256,
          certificates: certs.map(sharedKeyDevice),
        })),
        sharedKeysTruncated: shared.truncated,
      };
    },
    'inventory.source': () => {
      const src = inventory.source();
      return src.backend === 'sqlite'
        ? { backend: 'sqlite', from: 'workspace', location: ws.home }
        : { backend: 'postgres', from: src.from, location: redactUrl(src.url) };
    },
    'inventory.device': async ({ fingerprint }) => {
      const d = await (await inventory.store()).byCertificate(fingerprint);
      if (!d) throw new InventoryError('INVENTORY_SEARCH_INVALID', `no certificate ${fingerprint} in the inventory`);
      return {
        id: d.id,
        hardwareSerial: d.hardwareSerial,
        model: d.model,
        status: d.status,
        certificateSerial: d.certificateSerial,
        certificateSha256: d.certificateSha256,
        batchId: d.batchId,
        issuedAt: d.issuedAt,
        publicKeySha256: d.publicKeySha256,
        deviceState: d.deviceState,
        revokedAt: d.revokedAt,
        revocationReason: d.revocationReason,
        stationId: d.stationId,
        manifestSha256: d.manifestSha256,
        statusManifestSha256: d.statusManifestSha256,
        importedAt: d.importedAt,
        // The DER was verified on import; decoding it again is what the detail shows.
        certificate: certificateView(parseCertificateFast(d.der)),
      };
    },
  };
}
