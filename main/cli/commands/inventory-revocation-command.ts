import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HallmarkError, UsageError } from '../../errors/hallmark-error.js';
import { outputFile, outputFolder } from '../../files/output-path.js';
import { readInputFile } from '../../files/read-input-file.js';
import { readMediaFile } from '../../files/read-media-file.js';
import { NewFileError, writeNewFile } from '../../files/write-new-file.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import { readTrustAnchors, readTrustFile } from '../../manifest/verify/read-trust-anchors.js';
import { createInventoryKey, currentInventoryKey, DEFAULT_INVENTORY_CERT_DAYS } from '../../revocation/create-inventory-key.js';
import { createRevocationRequest, selectionFromCsv, type DeviceSelection } from '../../revocation/create-revocation-request.js';
import type { CrlImportResult } from '../../revocation/import-crl.js';
import { importCrl } from '../../revocation/import-crl.js';
import { importPublicationCrls } from '../../revocation/import-publication-crls.js';
import { crlDerOf, readCrl } from '../../revocation/read-crl.js';
import { RevocationError } from '../../revocation/revocation-errors.js';
import { REVOCATION_REQUEST_JSON, REVOCATION_REQUEST_P7S } from '../../revocation/revocation-request-format.js';
import { KeyRepository } from '../../store/key-repository.js';
import { ACTIVE_STATUSES } from '../../store/inventory-repository.js';
import type { InventoryKeyRow } from '../../store/revocation-repository.js';
import { REVOCATION_REASONS } from '../../x509/crl.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { collect, positiveInteger } from '../option-parsers.js';
import { pem } from './key-command.js';
import { INVENTORY_DB_OPTION, withInventory } from '../inventory-target.js';

const MAX_CSV_BYTES = 16 * 1024 * 1024;
const MAX_CRL_BYTES = 64 * 1024 * 1024;

interface RevokeRequestOptions extends KeyAccessOptions {
  serial?: string[];
  fingerprint?: string[];
  csv?: string;
  batch?: string;
  reason: string;
  out: string;
  db?: string;
}

/** `hallmark inventory key …`, `revoke-request`, `revocation-requests`, `import-crl`: field revocation at the inventory (docs/revocation.md). */
export function registerInventoryRevocation(inventory: Command, ctx: () => CliContext): void {
  const key = inventory.command('key').description("the inventory's own key, which signs revocation requests");
  addKeyAccessOptions(
    key
      .command('create')
      .description('make a registered key (its own) the inventory key: a self-signed certificate, written to --out for the CA (`crl issue --requests-trust`)')
      .requiredOption('--key <label>', 'the key, registered with `hallmark key generate` and used for nothing else')
      .requiredOption('--out <file>', 'where the inventory certificate is written (.pem forced; never overwritten; never inside the workspace)')
      .option('--days <n>', `certificate validity in days (default ${DEFAULT_INVENTORY_CERT_DAYS})`, positiveInteger),
  ).action(async (opts: KeyAccessOptions & { key: string; out: string; days?: number }) => {
    const c = ctx();
    const target = outputFile(opts.out, { extension: 'pem', home: c.home, what: 'the inventory certificate' });
    if (existsSync(target)) throw new HallmarkError('EXPORT_EXISTS', `${target} already exists; an export never replaces a file`, 'input', { path: target });
    await c.withWorkspace(async (ws) => {
      const record = new KeyRepository(ws).get(opts.key);
      const signingKey = await openSigningKey(record, await keyUnlockFor(record, opts, ws, c.io.env));
      try {
        const row = await createInventoryKey(ws, { key: signingKey, actor: c.actor, ...(opts.days !== undefined ? { validityDays: opts.days } : {}) });
        writeOut(target, Buffer.from(pem(row.certificate, 'CERTIFICATE')));
        if (c.json) return c.printJson({ ...describeKey(row), path: target });
        c.io.out(`inventory key "${row.keyLabel}" created; certificate SHA-256 ${row.certificateSha256}\nwrote ${target}\n`);
      } finally {
        signingKey.close();
      }
    });
  });
  key
    .command('export')
    .description("write the current inventory key's certificate (what the CA is given with `--requests-trust`)")
    .requiredOption('--out <file>', 'the file (.pem forced; never overwritten; never inside the workspace)')
    .action(async (opts: { out: string }) => {
      const c = ctx();
      const target = outputFile(opts.out, { extension: 'pem', home: c.home, what: 'the inventory certificate' });
      await c.withWorkspace((ws) => {
        const row = currentInventoryKey(ws);
        writeOut(target, Buffer.from(pem(row.certificate, 'CERTIFICATE')));
        if (c.json) return c.printJson({ ...describeKey(row), path: target });
        c.io.out(`wrote ${target}\n`);
      });
    });

  addKeyAccessOptions(
    inventory
      .command('revoke-request')
      .description('sign a revocation request for the CA: the devices become "revocation requested" until an imported CRL revokes them')
      .option('--serial <s>', 'a hardware serial (repeat)', collect)
      .option('--fingerprint <hex>', 'a certificate or public-key SHA-256 (repeat)', collect)
      .option('--csv <file>', 'a CSV whose first column holds hardware serials or fingerprints')
      .option('--batch <id>', 'every certificate in service of this work order (a search)')
      .requiredOption('--reason <r>', `RFC 5280 reason: ${Object.keys(REVOCATION_REASONS).join(', ')}`)
      .requiredOption(
        '--out <folder>',
        `where ${REVOCATION_REQUEST_JSON} and ${REVOCATION_REQUEST_P7S} are written (never overwritten; never inside the workspace)`,
      )
      .option(...INVENTORY_DB_OPTION),
  ).action(async (opts: RevokeRequestOptions) => {
    const c = ctx();
    const outDir = outputFolder(opts.out, { home: c.home, what: 'the revocation request' });
    const serials = [...(opts.serial ?? [])];
    const fingerprints = [...(opts.fingerprint ?? [])];
    if (opts.csv !== undefined) {
      const fromCsv = selectionFromCsv(readInputFile(opts.csv, MAX_CSV_BYTES).toString('utf8'));
      serials.push(...(fromCsv.serials ?? []));
      fingerprints.push(...(fromCsv.fingerprints ?? []));
    }
    await withInventory(
      c,
      opts.db,
      async (store, ws) => {
        const inv = store.revocations();
        if (opts.batch !== undefined) {
          const rows = await store.search({ batch: opts.batch, limit: 1_000_000 });
          const active = rows.filter((r) => ACTIVE_STATUSES.includes(r.status));
          if (active.length === 0)
            throw new RevocationError('REVOCATION_SELECTION_INVALID', `work order "${opts.batch}" has no certificate in service in this inventory`);
          fingerprints.push(...active.map((r) => r.certificateSha256));
        }
        if (serials.length + fingerprints.length === 0) throw new UsageError('name the devices with --serial, --fingerprint, --csv or --batch');
        const selection: DeviceSelection = { serials, fingerprints };
        const record = new KeyRepository(ws!).get(currentInventoryKey(ws!).keyLabel);
        const signingKey = await openSigningKey(record, await keyUnlockFor(record, opts, ws!, c.io.env));
        try {
          const r = await createRevocationRequest(inv, { selection, reason: opts.reason, key: signingKey, workspace: ws!, outDir, actor: c.actor });
          if (c.json) return c.printJson(r);
          c.io.out(
            `revocation request ${r.requestId} (sha256 ${r.sha256}): ${r.entries.length} certificate(s), reason ${opts.reason}\nwrote ${r.files.json}\nwrote ${r.files.p7s}\n`,
          );
        } finally {
          signingKey.close();
        }
      },
      { needsWorkspace: true },
    );
  });

  inventory
    .command('revocation-requests')
    .description('the revocation requests of this inventory with their pending and covered entries; --export writes one again')
    .option('--pending', 'list the devices whose revocation is requested and not yet covered by an imported CRL')
    .option('--export <id>', 'a request id or SHA-256 to write again')
    .option('--out <folder>', 'with --export: the folder')
    .option(...INVENTORY_DB_OPTION)
    .action(async (opts: { export?: string; out?: string; pending?: boolean; db?: string }) => {
      const c = ctx();
      await withInventory(c, opts.db, async (store) => {
        const repo = store.revocations();
        if (opts.pending) {
          const pending = await repo.pendingDevices();
          if (c.json) return c.printJson(pending);
          if (pending.length === 0) return c.io.out('no revocation pending\n');
          for (const p of pending)
            c.io.out(
              `${p.hardwareSerial}  ${p.model}  certificate ${p.certificateSerial}  revocation requested ${p.requestedAt} (${p.reason}), request ${p.requestId}\n`,
            );
          return;
        }
        if (opts.export !== undefined) {
          if (opts.out === undefined) throw new UsageError('--export needs --out <folder>');
          const row = await repo.request(opts.export);
          if (!row) throw new RevocationError('REVOCATION_SELECTION_INVALID', `no revocation request "${opts.export}" in this inventory`);
          const dir = outputFolder(opts.out, { home: c.home, what: 'the revocation request' });
          writeOut(join(dir, REVOCATION_REQUEST_JSON), row.document);
          writeOut(join(dir, REVOCATION_REQUEST_P7S), row.signature);
          return c.json ? c.printJson({ sha256: row.sha256, dir }) : c.io.out(`wrote ${join(dir, REVOCATION_REQUEST_JSON)} and its signature\n`);
        }
        const rows = await repo.requests();
        if (c.json) return c.printJson(rows);
        if (rows.length === 0) return c.io.out('no revocation request\n');
        for (const r of rows)
          c.io.out(`${r.requestId}  ${r.createdAt}  ${r.entries} certificate(s): ${r.pending} pending, ${r.covered} covered by a CRL  sha256 ${r.sha256}\n`);
      });
    });

  inventory
    .command('import-crl')
    .description("import a CRL, or the CRLs of a ceremony's publication bundle, verified against the trusted roots: listed devices become revoked")
    .argument('<path>', 'a CRL file (DER or PEM), or a publication/ folder')
    .requiredOption('--trust <file>', 'the trusted root certificate(s), PEM')
    .option('--issuer <file>', 'for a CRL file: the issuing CA certificate(s) below the root, PEM')
    .option(...INVENTORY_DB_OPTION)
    .action(async (path: string, opts: { trust: string; issuer?: string; db?: string }) => {
      const c = ctx();
      const trust = readTrustFile(opts.trust);
      const anchors = readTrustAnchors(trust, opts.trust);
      const issuers = opts.issuer !== undefined ? readTrustAnchors(readTrustFile(opts.issuer), opts.issuer) : [];
      await withInventory(c, opts.db, async (store) => {
        const inv = store.revocations();
        const results: CrlImportResult[] = isDir(path)
          ? await importPublicationCrls(inv, path, { trust: [trust], anchors, actor: c.actor })
          : [await importCrl(inv, readCrl(crlDerOf(readMediaFile(path, MAX_CRL_BYTES, 'CRL'))), { anchors, issuers, actor: c.actor })];
        if (c.json) return c.printJson(results);
        for (const r of results) {
          c.io.out(
            r.created
              ? `CRL ${r.crlNumber} of ${r.issuer}: ${r.revoked} device certificate(s) revoked, ${r.alreadyRetired} already revoked or superseded, ${r.notInInventory} not in this inventory; ${r.requestsCovered} request entr(ies) covered, ${r.requestsPending} still pending\n`
              : `CRL ${r.crlNumber} of ${r.issuer}: already imported — nothing changed; ${r.requestsPending} request entr(ies) pending\n`,
          );
        }
      });
    });
}

/** lstat: a symbolic link to a folder is not followed (the bundle reader refuses links too). */
function isDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function writeOut(path: string, bytes: Buffer): void {
  try {
    writeNewFile(path, bytes);
  } catch (e) {
    if (!(e instanceof NewFileError)) throw e;
    if (e.reason === 'exists') throw new HallmarkError('EXPORT_EXISTS', `${path} already exists; an export never replaces a file`, 'input', { path });
    throw new HallmarkError('EXPORT_UNWRITABLE', `cannot write ${path} (${e.errno})`, 'environment', { path });
  }
}

function describeKey(r: InventoryKeyRow) {
  return { id: r.id, keyLabel: r.keyLabel, certificateSha256: r.certificateSha256, spkiSha256: r.spkiSha256, createdAt: r.createdAt, createdBy: r.createdBy };
}
