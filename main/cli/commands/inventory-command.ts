import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isHallmarkError, UsageError, type HallmarkError } from '../../errors/hallmark-error.js';
import { acknowledgeReceipt } from '../../inventory/acknowledge-receipt.js';
import { buildReceipt, writeReceipt } from '../../inventory/acknowledgment-receipt.js';
import { importManifestFolderInto, type ImportResult } from '../../inventory/import-manifest.js';
import { InventoryError } from '../../inventory/inventory-errors.js';
import { readTrustAnchors, readTrustFile } from '../../manifest/verify/read-trust-anchors.js';
import { InventoryRepository, type InventoryStatus } from '../../store/inventory-repository.js';
import { SettingsRepository } from '../../store/settings-repository.js';
import { INVENTORY_DB_ENV } from '../../store/inventory-db-setting.js';
import { redactUrl } from '../../store/postgres/pg-inventory-store.js';
import { stationChains } from '../../inventory/station-chains.js';
import type { CliContext } from '../cli-context.js';
import { INVENTORY_DB_OPTION, withInventory } from '../inventory-target.js';
import { positiveInteger } from '../option-parsers.js';
import { readInputFile } from '../../files/read-input-file.js';
import { registerInventoryRevocation } from './inventory-revocation-command.js';
import { registerInventoryHealth } from './inventory-health-command.js';

interface ImportOptions {
  trust: string;
  receipt?: string;
  db?: string;
}

interface SearchOptions {
  serial?: string;
  fingerprint?: string;
  batch?: string;
  status?: string;
  limit: number;
  after?: number;
  db?: string;
}

const MAX_RECEIPT_BYTES = 64 * 1024;
const STATUSES: readonly InventoryStatus[] = ['confirmed', 'failed', 'superseded', 'revoked'];

/** `hallmark inventory …`: import verified manifests, hand back receipts, acknowledge them at the factory, search. */
export function registerInventory(program: Command, ctx: () => CliContext): void {
  const inventory = program.command('inventory').description('the device inventory: import verified batch manifests, receipts and acknowledgments, search');

  inventory
    .command('import')
    .description('verify manifest folders (every check must pass) and import their certificates, one transaction per manifest; idempotent')
    .argument('<dir...>', 'manifest folders (manifest.json + manifest.json.p7s)')
    .requiredOption('--trust <file>', 'the trusted root certificate(s), PEM')
    .option('--receipt <out>', 'write an acknowledgment receipt for the factory (a file for one folder; an existing directory for several); never overwrites')
    .option(...INVENTORY_DB_OPTION)
    .action(async (dirs: string[], opts: ImportOptions) => {
      const c = ctx();
      const anchors = readTrustAnchors(readTrustFile(opts.trust), opts.trust);
      const receiptDir = opts.receipt !== undefined && isDirectory(opts.receipt);
      if (opts.receipt !== undefined && dirs.length > 1 && !receiptDir)
        throw new UsageError(`--receipt ${opts.receipt} must be an existing directory when importing ${dirs.length} folders`);
      await withInventory(c, opts.db, async (store) => {
        const receiver = { workspaceId: await store.receiverId(), actor: c.actor };
        const results: (ImportResult & { receipt: string | null })[] = [];
        const failures: { folder: string; error: HallmarkError }[] = [];
        for (const dir of dirs) {
          let result: ImportResult;
          try {
            result = await importManifestFolderInto(store, dir, { anchors, actor: c.actor });
          } catch (e) {
            if (!isHallmarkError(e)) throw e;
            failures.push({ folder: dir, error: e });
            if (!c.json) c.io.err(`${dir}: ${e.code}: ${e.message}\n`);
            continue;
          }
          let receipt: string | null = null;
          if (opts.receipt !== undefined) {
            const m = result.manifest;
            receipt = receiptDir ? join(opts.receipt, `${m.batchId}-${m.sequence}.receipt.json`) : opts.receipt;
            writeReceipt(receipt, buildReceipt(m, receiver, new Date()));
            await store.appendAudit({
              actor: c.actor,
              action: 'inventory.receipt-written',
              subject: `${m.stationId}/${m.batchId}`,
              details: { sha256: m.sha256, path: receipt },
            });
          }
          results.push({ ...result, receipt });
          if (!c.json) {
            const m = result.manifest;
            const head = `${dir}: manifest ${m.sequence} of station ${m.stationId}, work order ${m.batchId} (sha256 ${m.sha256})`;
            c.io.out(
              result.created
                ? `${head}: imported — ${m.entries} entries, ${m.added} certificate(s) added, ${m.unchanged} unchanged, ${m.retired} retired\n`
                : `${head}: already imported on ${m.importedAt} — nothing changed\n`,
            );
            for (const n of result.notes.filter(() => result.created)) c.io.out(`  note: ${n}\n`);
            if (receipt) c.io.out(`  receipt written to ${receipt}\n`);
          }
        }
        if (c.json) {
          c.printJson({
            imported: results.map((r) => ({ folder: r.folder, created: r.created, manifest: r.manifest, notes: r.notes, receipt: r.receipt })),
            failed: failures.map((f) => ({ folder: f.folder, code: f.error.code, message: f.error.message, ...(f.error.details ?? {}) })),
          });
        }
        if (failures.length === 1) throw failures[0]!.error;
        if (failures.length > 1) {
          const kind = failures.every((f) => f.error.kind === 'input') ? 'input' : 'check';
          throw new InventoryError(
            'INVENTORY_IMPORT_FAILED',
            `${failures.length} of ${dirs.length} folder(s) not imported: ${failures.map((f) => `${f.folder} (${f.error.code})`).join(', ')}`,
            kind,
          );
        }
      });
    });

  inventory
    .command('ack')
    .description('at the factory: record a receipt from the inventory; the manifest it names becomes acknowledged')
    .argument('<receipt>', 'the receipt file written by `hallmark inventory import --receipt`')
    .action(async (path: string) => {
      const c = ctx();
      const bytes = readInputFile(path, MAX_RECEIPT_BYTES);
      await c.withWorkspace((ws) => {
        const r = acknowledgeReceipt(ws, bytes, path, c.actor);
        if (c.json) return c.printJson(r);
        const a = r.acknowledgment;
        c.io.out(
          r.created
            ? `work order ${a.batchId}: manifest ${a.manifestSha256} acknowledged by inventory ${a.receiverWorkspaceId} (${a.importedCount} certificate(s), imported ${a.receivedAt})\n`
            : `work order ${a.batchId}: already acknowledged by inventory ${a.receiverWorkspaceId} on ${a.acknowledgedAt} — nothing changed\n`,
        );
      });
    });

  inventory
    .command('search')
    .description('find certificates in the inventory; filters combine (AND); newest import last')
    .option('--serial <s>', 'hardware serial')
    .option('--fingerprint <hex>', 'certificate or public-key SHA-256 (hex; colons allowed)')
    .option('--batch <id>', 'work order')
    .option('--status <s>', `one of ${STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many rows', positiveInteger, 100)
    .option('--after <id>', 'rows after this inventory id (paging)', positiveInteger)
    .option(...INVENTORY_DB_OPTION)
    .action(async (opts: SearchOptions) => {
      const c = ctx();
      if (opts.status !== undefined && !(STATUSES as readonly string[]).includes(opts.status))
        throw new InventoryError('INVENTORY_SEARCH_INVALID', `unknown status "${opts.status}" (use ${STATUSES.join(', ')})`);
      const fingerprint = opts.fingerprint?.replace(/:/g, '').toLowerCase();
      if (fingerprint !== undefined && !/^[0-9a-f]{64}$/.test(fingerprint))
        throw new InventoryError('INVENTORY_SEARCH_INVALID', `--fingerprint wants a SHA-256 in hex (64 digits), got "${opts.fingerprint}"`);
      await withInventory(c, opts.db, async (store) => {
        const rows = (
          await store.search({
            serial: opts.serial,
            fingerprint,
            batch: opts.batch,
            status: opts.status as InventoryStatus | undefined,
            afterId: opts.after,
            limit: opts.limit,
          })
        ).map(({ der: _der, ...rest }) => rest);
        if (c.json) return c.printJson(rows);
        if (rows.length === 0) return c.io.out('no matching certificate\n');
        for (const r of rows)
          c.io.out(
            `#${r.id}  ${r.hardwareSerial}  ${r.model}  ${r.status}  ${r.batchId}  cert ${r.certificateSha256}  serial ${r.certificateSerial}  issued ${r.issuedAt}\n`,
          );
      });
    });

  inventory
    .command('batches')
    .description("imported batches with their counts; and this workspace's exported manifests with their sync status (exported / acknowledged)")
    .option(...INVENTORY_DB_OPTION)
    .action(async (opts: { db?: string }) => {
      const c = ctx();
      await withInventory(c, opts.db, async (store, ws) => {
        const imported = await store.manifests();
        // the factory side (exported manifests) is the workspace's; a PostgreSQL inventory has none
        const exported = ws ? new InventoryRepository(ws).exportedManifests() : [];
        if (c.json) return c.printJson({ imported, exported });
        if (imported.length === 0 && exported.length === 0) return c.io.out('no imported or exported manifest\n');
        if (imported.length > 0) c.io.out('imported:\n');
        for (const m of imported) {
          c.io.out(
            `  ${m.batchId}  station ${m.stationId} #${m.sequence}  ${m.entries} entries (${m.confirmed} confirmed, ${m.failed} failed, ${m.superseded} superseded, ${m.revoked} revoked)  added ${m.added}  imported ${m.importedAt}  sha256 ${m.sha256}\n`,
          );
        }
        if (exported.length > 0) c.io.out('exported:\n');
        for (const m of exported)
          c.io.out(
            `  ${m.batchId}  #${m.sequence}  ${m.devices} entries  ${m.status}${m.acknowledgedAt ? ` ${m.acknowledgedAt} by ${m.acknowledgedBy.join(', ')}` : ''}  sha256 ${m.sha256}\n`,
          );
      });
    });

  registerInventoryFleet(inventory, ctx);
  registerInventoryHealth(inventory, ctx);
  registerInventoryRevocation(inventory, ctx);
}

/** The fleet view and the app's inventory setting. */
function registerInventoryFleet(inventory: Command, ctx: () => CliContext): void {
  inventory
    .command('fleet')
    .description('per station, its imported manifest sequence numbers with the missing ones; public keys seen on more than one device')
    .option('--max-keys <n>', 'list at most this many shared keys', positiveInteger, 1000)
    .option(...INVENTORY_DB_OPTION)
    .action(async (opts: { db?: string; maxKeys: number }) => {
      const c = ctx();
      await withInventory(c, opts.db, async (store) => {
        const stations = stationChains(await store.manifests());
        const shared = await store.sharedPublicKeys(opts.maxKeys);
        if (c.json) return c.printJson({ stations, sharedKeys: shared.keys, sharedKeysTruncated: shared.truncated });
        for (const s of stations) {
          const gaps = s.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}–${g.to}`)).join(', ');
          c.io.out(
            `station ${s.stationId}: ${s.manifests.length} manifest(s), ${s.manifests.map((m) => m.sequence).join(', ')}${s.missing ? `; MISSING ${gaps}` : ''}\n`,
          );
        }
        for (const k of shared.keys)
          c.io.out(
            `public key ${k[0]!.publicKeySha256} on ${k.map((d) => `${d.hardwareSerial} (${d.model}, ${d.batchId}, station ${d.stationId})`).join(' and ')}\n`,
          );
        if (shared.truncated) c.io.out(`… more shared keys (raise --max-keys)\n`);
        if (stations.length === 0) c.io.out('no imported manifest\n');
      });
    });

  inventory
    .command('use-db')
    .description(
      `the inventory the desktop app's Inventory section uses: a postgres:// URL without a password (${INVENTORY_DB_ENV} in the app's environment wins), or --workspace for this workspace's own`,
    )
    .argument('[url]', 'postgres://… (peer authentication, ~/.pgpass or a client certificate supply the credentials)')
    .option('--workspace', "back to the workspace's own database")
    .action(async (url: string | undefined, opts: { workspace?: boolean }) => {
      const c = ctx();
      if (url !== undefined && opts.workspace) throw new UsageError('give a URL or --workspace, not both');
      await c.withWorkspace((ws) => {
        const settings = new SettingsRepository(ws);
        const changed = url !== undefined || opts.workspace ? settings.setInventoryDb(opts.workspace ? null : url!, c.actor) : false;
        const now = settings.inventoryDb();
        const shown = now === undefined ? 'workspace' : redactUrl(now);
        if (c.json)
          return c.printJson({
            inventoryDb: now === undefined ? null : redactUrl(now),
            changed,
            environmentOverrides: Boolean(c.io.env[INVENTORY_DB_ENV]?.trim()),
          });
        c.io.out(
          `${changed ? "the app's Inventory now uses" : "the app's Inventory uses"} ${shown}${c.io.env[INVENTORY_DB_ENV]?.trim() ? ` (but ${INVENTORY_DB_ENV} is set here, and wins where it is set)` : ''}\n`,
        );
      });
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
