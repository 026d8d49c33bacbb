import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { HallmarkError } from '../../errors/hallmark-error.js';
import { outputFile } from '../../files/output-path.js';
import { NewFileError, writeNewFile } from '../../files/write-new-file.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import { AuditKeyRepository, type AuditKeyRow } from '../../store/audit/audit-key-repository.js';
import { AuditCheckpointError } from '../../store/audit/audit-errors.js';
import { createAuditKey, DEFAULT_AUDIT_CERT_DAYS } from '../../store/audit/create-audit-key.js';
import { writeAuditCheckpoint } from '../../store/audit/write-audit-checkpoint.js';
import { KeyRepository } from '../../store/key-repository.js';
import type { Workspace } from '../../store/workspace.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { positiveInteger } from '../option-parsers.js';
import { pem } from './key-command.js';

/** `hallmark audit key …` and `hallmark audit checkpoint`: the workspace's audit key and the checkpoints it signs (docs/audit.md). */
export function registerAuditKey(audit: Command, ctx: () => CliContext): void {
  const key = audit.command('key').description("the workspace's audit key, which signs audit checkpoints");

  addKeyAccessOptions(
    key
      .command('create')
      .description('make a registered key (software or token, its own) the audit key: a self-signed audit certificate, written to --out for verifiers')
      .requiredOption('--key <label>', 'the key, registered with `hallmark key generate` and used for nothing else')
      .requiredOption('--out <file>', 'where the AUDIT-CERT is written (.pem forced; never overwritten; never inside the workspace)')
      .option('--days <n>', `certificate validity in days (default ${DEFAULT_AUDIT_CERT_DAYS})`, positiveInteger),
  ).action(async (opts: KeyAccessOptions & { key: string; out: string; days?: number }) => {
    const c = ctx();
    const target = outputFile(opts.out, { extension: 'pem', home: c.home, what: 'the audit certificate' });
    // Refused before the key is made current: the certificate can be exported again later, but not silently lost.
    if (existsSync(target)) throw new HallmarkError('EXPORT_EXISTS', `${target} already exists; an export never replaces a file`, 'input', { path: target });
    await c.withWorkspace(async (ws) => {
      const record = new KeyRepository(ws).get(opts.key);
      const signingKey = await openSigningKey(record, await keyUnlockFor(record, opts, ws, c.io.env));
      try {
        const row = await createAuditKey(ws, { key: signingKey, actor: c.actor, ...(opts.days !== undefined ? { validityDays: opts.days } : {}) });
        writeCertificate(target, row);
        if (c.json) return c.printJson({ ...describe(row), path: target });
        c.io.out(`audit key "${row.keyLabel}" created; certificate SHA-256 ${row.certificateSha256}\nwrote ${target}\n`);
      } finally {
        signingKey.close();
      }
    });
  });

  key
    .command('export')
    .description("write the current audit key's certificate (the AUDIT-CERT for `hallmark audit verify --trust`)")
    .requiredOption('--out <file>', 'the file (.pem forced; never overwritten; never inside the workspace)')
    .action(async (opts: { out: string }) => {
      const c = ctx();
      const target = outputFile(opts.out, { extension: 'pem', home: c.home, what: 'the audit certificate' });
      await c.withWorkspace((ws) => {
        const row = currentAuditKey(ws);
        writeCertificate(target, row);
        if (c.json) return c.printJson({ ...describe(row), path: target });
        c.io.out(`wrote ${target}\n`);
      });
    });

  key
    .command('list')
    .description('the audit keys of this workspace, newest (current) last')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const rows = new AuditKeyRepository(ws.db).all();
        if (c.json) return c.printJson(rows.map(describe));
        if (rows.length === 0) return c.io.out('no audit key; create one with `hallmark audit key create`\n');
        for (const r of rows) c.io.out(`#${r.id}  ${r.keyLabel}  certificate ${r.certificateSha256}  ${r.createdAt}  ${r.createdBy}\n`);
      });
    });

  addKeyAccessOptions(
    audit.command('checkpoint').description('sign the current audit head with the audit key and record the checkpoint (the key options unlock it)'),
  ).action(async (opts: KeyAccessOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const record = new KeyRepository(ws).get(currentAuditKey(ws).keyLabel);
      const signingKey = await openSigningKey(record, await keyUnlockFor(record, opts, ws, c.io.env));
      try {
        const entry = await writeAuditCheckpoint(ws, signingKey, { actor: c.actor, reason: 'manual' });
        if (c.json) return c.printJson(entry);
        c.io.out(
          entry
            ? `checkpoint recorded as seq ${entry.seq}, vouching for entries 1 to ${entry.seq - 1}\n`
            : 'nothing to checkpoint: the log is empty or its last entry is a checkpoint\n',
        );
      } finally {
        signingKey.close();
      }
    });
  });
}

function currentAuditKey(ws: Workspace): AuditKeyRow {
  const row = new AuditKeyRepository(ws.db).current();
  if (!row)
    throw new AuditCheckpointError('AUDIT_KEY_MISSING', 'this workspace has no audit key; create one with `hallmark audit key create --key <label>`', 'input');
  return row;
}

function writeCertificate(path: string, row: AuditKeyRow): void {
  try {
    writeNewFile(path, Buffer.from(pem(row.certificate, 'CERTIFICATE')));
  } catch (e) {
    if (!(e instanceof NewFileError)) throw e;
    if (e.reason === 'exists') throw new HallmarkError('EXPORT_EXISTS', `${path} already exists; an export never replaces a file`, 'input', { path });
    throw new HallmarkError('EXPORT_UNWRITABLE', `cannot write ${path} (${e.errno})`, 'environment', { path });
  }
}

function describe(r: AuditKeyRow) {
  return {
    id: r.id,
    keyLabel: r.keyLabel,
    certificateSha256: r.certificateSha256,
    spkiSha256: r.spkiSha256,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    certificatePem: pem(r.certificate, 'CERTIFICATE'),
  };
}
