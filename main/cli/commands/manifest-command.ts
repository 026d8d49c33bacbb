import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { loadCa } from '../../ca/certificate-authority.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import type { SigningKey } from '../../keys/signing-key.js';
import { EXPORT_FORMATS, exportBatch, type ExportFormat } from '../../manifest/export-batch.js';
import { ManifestError } from '../../manifest/manifest-errors.js';
import { createManifestSigner, DEFAULT_SIGNER_DAYS } from '../../manifest/manifest-signer.js';
import { readPlanCsv } from '../../manifest/verify/plan-check.js';
import { readTrustAnchors, readTrustFile } from '../../manifest/verify/read-trust-anchors.js';
import { reportHtml } from '../../manifest/verify/report-html.js';
import { reportText } from '../../manifest/verify/report-text.js';
import { corePool } from '../../workers/core-pool.js';
import { verifyFolderOnPool } from '../../workers/verify-folder-on-pool.js';
import { CertificateRepository } from '../../store/certificate-repository.js';
import { KeyRepository } from '../../store/key-repository.js';
import { ManifestRepository } from '../../store/manifest-repository.js';
import type { Workspace } from '../../store/workspace.js';
import { parseSubject } from '../../x509/distinguished-name.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { addAuditKeyOptions, checkpointNow, type AuditKeyOptions } from '../audit-key-options.js';
import { positiveInteger } from '../option-parsers.js';
import { readInputFile } from '../../files/read-input-file.js';
import { outputFile } from '../../files/output-path.js';
import { ExclusiveOutput } from '../../manifest/write-exclusive.js';

interface SignerCreateOptions extends KeyAccessOptions {
  ca: string;
  key: string;
  subject?: string;
  days: number;
  signerPassphraseFile?: string;
  signerPassphraseEnv?: string;
}

interface ExportOptions extends KeyAccessOptions {
  batch: string;
  out: string;
  format: string[];
  crl?: boolean;
  crlNextUpdateDays: number;
  caPassphraseFile?: string;
  caPassphraseEnv?: string;
  nrfSubType?: string;
  nrfTags?: string;
  nrfFwTypes: string;
}

interface VerifyOptions {
  trust: string;
  plan?: string;
  previous?: string;
  html?: string;
}

const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** `hallmark manifest …`: the station's manifest signer, signed batch manifests and their exports, and QA verification. */
export function registerManifest(program: Command, ctx: () => CliContext): void {
  const manifest = program
    .command('manifest')
    .description('signed batch manifests: signer, export (manifest, Microchip, nRF Cloud, JSON Lines, revocations), verify');
  const signer = manifest.command('signer').description("the station's manifest signer (a certificate from the manufacturing CA for a workspace key)");

  addKeyAccessOptions(
    signer
      .command('create')
      .description('issue a manifest-signer certificate for a workspace key and make it the current signer (rotation: create another)')
      .requiredOption('--ca <name>', 'the CA that certifies the signer (the manufacturing CA); the key options unlock its key')
      .requiredOption('--key <label>', "the signer's own key (P-256 for the Microchip export)")
      .option('--subject <dn>', 'the signer certificate subject (default: CN=Hallmark manifest signer <station id>)')
      .option('--days <n>', 'validity in days', positiveInteger, DEFAULT_SIGNER_DAYS)
      .option('--signer-passphrase-file <file>', 'software signer key: file holding its passphrase')
      .option('--signer-passphrase-env <name>', 'software signer key: environment variable holding its passphrase'),
  ).action(async (opts: SignerCreateOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const ca = loadCa(ws, opts.ca);
      const signerRecord = new KeyRepository(ws).get(opts.key);
      const subject = parseSubject(opts.subject ?? `CN=Hallmark manifest signer ${ws.info().workspaceId.slice(0, 8)}`);
      const signerKey = await openSigningKey(
        signerRecord,
        await keyUnlockFor(
          signerRecord,
          { ...opts, passphraseFile: opts.signerPassphraseFile, passphraseEnv: opts.signerPassphraseEnv } as KeyAccessOptions,
          ws,
          c.io.env,
        ),
      );
      try {
        const caKey = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
        try {
          const created = await createManifestSigner(ws, { ca: opts.ca, caKey, signerKey, subject, validityDays: opts.days, actor: c.actor });
          if (c.json)
            return c.printJson({
              signer: created.signer,
              certificate: {
                serial: created.certificate.serial,
                sha256: created.certificate.sha256,
                subject: created.certificate.subject,
                notAfter: created.certificate.notAfter,
              },
            });
          c.io.out(
            `manifest signer #${created.signer.id}: ${created.certificate.subject}, key "${signerRecord.label}", issued by ${opts.ca}, certificate SHA-256 ${created.certificate.sha256}, valid until ${created.certificate.notAfter}\n`,
          );
        } finally {
          caKey.close();
        }
      } finally {
        signerKey.close();
      }
    });
  });

  signer
    .command('list')
    .description('the manifest signers of this station, newest (current) last')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const certs = new CertificateRepository(ws);
        const rows = new ManifestRepository(ws).signers().map((s) => ({ ...s, certificate: (({ der: _der, ...rest }) => rest)(certs.byId(s.certificateId)) }));
        if (c.json) return c.printJson(rows);
        if (rows.length === 0) return c.io.out('no manifest signer; create one with `hallmark manifest signer create`\n');
        for (const r of rows)
          c.io.out(
            `#${r.id}  ${r.certificate.subject}  key ${r.keyLabel}  CA ${r.caName}  ${r.certificate.status}  until ${r.certificate.notAfter}  sha256 ${r.certificate.sha256}\n`,
          );
      });
    });

  addAuditKeyOptions(
    addKeyAccessOptions(
      manifest
        .command('export')
        .description('write the signed manifest of a closed work order and the online formats; the key options unlock the manifest signer key')
        .requiredOption('--batch <id>', 'the closed work order')
        .requiredOption('--out <dir>', 'the output folder (created if missing; existing files are never overwritten)')
        .option('--format <list>', `comma-separated, any of ${EXPORT_FORMATS.join(', ')} (repeatable)`, (v: string, prev: string[] = []) => [
          ...prev,
          ...v.split(','),
        ])
        .option('--crl', "revocations: also sign a CRL with the issuing CA's key (unlocked by --ca-passphrase-file/--ca-passphrase-env or the PKCS#11 options)")
        .option('--crl-next-update-days <n>', 'the CRL nextUpdate in days', positiveInteger, 30)
        .option('--ca-passphrase-file <file>', 'software CA key (for --crl): file holding its passphrase')
        .option('--ca-passphrase-env <name>', 'software CA key (for --crl): environment variable holding its passphrase')
        .option('--nrf-sub-type <text>', 'nRF Cloud CSV: the subType column')
        .option('--nrf-tags <a|b>', 'nRF Cloud CSV: tags, separated by |')
        .option('--nrf-fw-types <a|b>', 'nRF Cloud CSV: firmware types, separated by |', 'APP|MODEM'),
    ),
  ).action(async (opts: ExportOptions & AuditKeyOptions) => {
    const c = ctx();
    const formats = [...new Set(opts.format ?? ['manifest'])].map((f) => f.trim());
    for (const f of formats)
      if (!(EXPORT_FORMATS as readonly string[]).includes(f))
        throw new ManifestError('MANIFEST_FORMAT_UNKNOWN', `unknown format "${f}" (use ${EXPORT_FORMATS.join(', ')})`);
    if (opts.crl && !formats.includes('revocations')) throw new UsageError('--crl belongs to --format revocations');
    await c.withWorkspace(async (ws) => {
      const signerKeys = keyProvider(ws, opts, c.io.env);
      const caKeys = keyProvider(ws, { ...opts, passphraseFile: opts.caPassphraseFile, passphraseEnv: opts.caPassphraseEnv } as KeyAccessOptions, c.io.env);
      try {
        // Before the manifest is built, so it carries a checkpoint of the log up to its export.
        await checkpointNow(c, ws, opts, 'manifest-export');
        const result = await exportBatch(ws, {
          batchId: opts.batch,
          outDir: opts.out,
          formats: formats as ExportFormat[],
          signerKey: signerKeys.open,
          actor: c.actor,
          ...(opts.crl ? { crl: { caKey: caKeys.open, nextUpdateDays: opts.crlNextUpdateDays } } : {}),
          nrfCloud: {
            ...(opts.nrfSubType !== undefined ? { subType: opts.nrfSubType } : {}),
            ...(opts.nrfTags ? { tags: opts.nrfTags.split('|') } : {}),
            fwTypes: opts.nrfFwTypes.split('|').filter(Boolean),
          },
        });
        if (c.json) return c.printJson(result);
        c.io.out(
          `manifest ${result.sequence} of work order ${opts.batch} (${result.devices} entries, sha256 ${result.manifestSha256})${result.created ? '' : ' — recorded earlier, same bytes'}\n`,
        );
        for (const f of result.files) c.io.out(`wrote ${opts.out}/${f.file} (${f.bytes} bytes, sha256 ${f.sha256})\n`);
      } finally {
        signerKeys.close();
        caKeys.close();
      }
    });
  });

  manifest
    .command('verify')
    .description('QA: verify a manifest folder and report each check; exit 0 only if all pass (no workspace needed)')
    .argument('<dir>', 'the folder holding manifest.json and manifest.json.p7s')
    .requiredOption('--trust <file>', 'the trusted root certificate(s), PEM')
    .option('--plan <file>', 'the production plan CSV the work order was approved with')
    .option('--previous <dir>', "the folder of this station's previous manifest")
    .option('--html <file>', 'also write a self-contained HTML report (.html forced; never overwrites; never inside the workspace)')
    .action(async (dir: string, opts: VerifyOptions) => {
      const c = ctx();
      const anchors = readTrustAnchors(readTrustFile(opts.trust), opts.trust);
      const plan = opts.plan !== undefined ? readPlanCsv(readInputFile(opts.plan, MAX_PLAN_BYTES).toString('utf8')) : undefined;
      // the device signatures on every core (main/workers/); the same report as the reference verifier
      const report = await verifyFolderOnPool(corePool(), dir, {
        anchors,
        ...(plan ? { plan } : {}),
        ...(opts.previous !== undefined ? { previousDir: opts.previous } : {}),
      });
      if (opts.html) {
        const target = outputFile(opts.html, { extension: 'html', home: c.home, what: 'a QA report' });
        new ExclusiveOutput(dirname(target)).write(basename(target), reportHtml(report));
      }
      if (c.json) c.printJson(report);
      else c.io.out(reportText(report));
      if (!report.ok) {
        const failed = report.checks.filter((k) => k.status === 'fail').map((k) => k.name);
        throw new ManifestError('MANIFEST_VERIFY_FAILED', `${failed.length} check(s) failed: ${failed.join(', ')}`, 'check');
      }
    });
}

/** Opens keys by label with the given options, once each; close() closes them all. */
function keyProvider(ws: Workspace, opts: KeyAccessOptions, env: NodeJS.ProcessEnv): { open: (label: string) => Promise<SigningKey>; close: () => void } {
  const open = new Map<string, Promise<SigningKey>>();
  return {
    open(label) {
      let key = open.get(label);
      if (!key) {
        const record = new KeyRepository(ws).get(label);
        key = keyUnlockFor(record, opts, ws, env).then((unlock) => openSigningKey(record, unlock));
        open.set(label, key);
      }
      return key;
    },
    close() {
      for (const k of open.values()) k.then((key) => key.close()).catch(() => undefined);
    },
  };
}
