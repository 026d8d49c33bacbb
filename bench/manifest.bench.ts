import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildManifestDocument } from '../main/manifest/build-manifest.js';
import { signDetachedCms } from '../main/cms/sign-detached-cms.js';
import { serializeManifest } from '../main/manifest/format/serialize-manifest.js';
import { loadCurrentSigner } from '../main/manifest/manifest-signer.js';
import { readTrustAnchors } from '../main/manifest/verify/read-trust-anchors.js';
import { verifyManifestFolder } from '../main/manifest/verify/verify-manifest.js';
import type { ManifestDocument } from '../main/manifest/format/manifest-document.js';
import { publicKeyOf, signatureVerifies } from '../main/x509/signature-check.js';
import { parseCertificateFast } from '../main/x509/certificate-facts-fast.js';
import { corePool } from '../main/workers/core-pool.js';
import type { ManifestVerifyOutput } from '../main/workers/tasks/manifest-verify-task.js';
import { verifyFolderOnPool } from '../main/workers/verify-folder-on-pool.js';
import type { KeyObject } from 'node:crypto';
import { ManifestRepository } from '../main/store/manifest-repository.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';
import { createManifestFixture, disposeManifestFixture, type ManifestFixture } from './manifest-fixture.js';

/**
 * A 100,000-device manifest: export (build from SQLite, serialize, CMS-sign) and QA
 * verification (every named check: CMS, chains, 100,000 certificate signatures, digests,
 * 802.1AR fields, duplicates, counters, plan), against `openssl cms -verify` on the same
 * files in the same run (which checks only the CMS signature and the signer chain) plus the
 * raw P-256 verification of every device certificate — the baseline — and the same
 * verification on the core worker pool (main/workers/), as the CLI and the QA screen run it.
 *
 * The work order is real: 100,000 distinct P-256 device keys, each certificate issued by
 * the station's prepared issuer (lints, signature, self-verification) and committed with
 * its audit entry and device rows, the work order closed — only the serial link and the
 * device's CSR are skipped.
 */
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const fixture = sharedFixture(createManifestFixture, disposeManifestFixture);

let f: ManifestFixture;
const setup = async () => {
  f = await fixture();
};

/** The device signatures as openssl or any verifier must check them: TBS, signature, the issuing CA's key. */
let raw: { key: KeyObject; items: { algorithm: string; tbs: Buffer; signature: Buffer }[] } | null = null;
const setupRaw = async () => {
  await setup();
  if (raw) return;
  const doc = JSON.parse(readFileSync(join(f.dir, 'manifest.json'), 'utf8')) as ManifestDocument;
  const key = publicKeyOf(parseCertificateFast(Buffer.from(doc.issuingCaChain[0]!, 'base64')));
  const items = doc.devices.flatMap((d) => {
    if (!d.certificate) return [];
    const c = parseCertificateFast(Buffer.from(d.certificate.der, 'base64'));
    return [{ algorithm: c.outerSignatureAlgorithm, tbs: c.tbsDer, signature: c.signature }];
  });
  raw = { key, items };
};
const opensslVerify = () => {
  const r = spawnSync('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    join(f.dir, 'manifest.json.p7s'),
    '-content',
    join(f.dir, 'manifest.json'),
    '-CAfile',
    f.m.rootPem,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
  if (r.status !== 0) throw new Error(`openssl cms -verify failed: ${r.stderr.toString()}`);
};
const verifyOptions = () => ({ anchors: readTrustAnchors(readFileSync(f.m.rootPem)), plan: f.plan });
const failures = (r: { checks: readonly { status: string; name: string; details: readonly string[] }[] }) =>
  r.checks
    .filter((c) => c.status === 'fail')
    .map((c) => `${c.name}: ${c.details[0]}`)
    .join('; ');

export default defineBenchmarks([
  {
    name: 'openssl cms -verify + raw P-256 100k',
    group: 'manifest-verify',
    baseline: true,
    description:
      'the least any verifier does: openssl cms -verify on the 100,000-device manifest (process start included) plus one crypto.verify per device certificate over its TBS (decoded beforehand, untimed), single-threaded',
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup: setupRaw,
    run() {
      opensslVerify();
      for (const it of raw!.items) if (!signatureVerifies(it.algorithm, it.tbs, it.signature, raw!.key)) throw new Error('a device signature does not verify');
    },
  },
  {
    name: 'openssl cms -verify 100k',
    group: 'manifest-verify',
    description:
      'openssl cms -verify -binary -inform DER … -CAfile root.pem -purpose any on the 100,000-device manifest (process start included): the CMS signature and signer chain only',
    iterations: 5,
    warmup: 1,
    setup,
    run: opensslVerify,
  },
  {
    name: 'manifest verify 100k on the worker pool',
    group: 'manifest-verify',
    description: `hallmark manifest verify's path: the same checks as the single-threaded case, this thread decoding and checking while the core worker pool (${corePool().size} workers) verifies the device signatures in batches; workers started in the warmup`,
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup,
    async run() {
      const r = await verifyFolderOnPool(corePool(), f.dir, verifyOptions());
      if (!r.ok) throw new Error(`verification failed: ${failures(r)}`);
    },
  },
  {
    name: 'qa.verify task 100k (all off-thread, entries kept)',
    group: 'manifest-verify',
    description:
      "the QA screen's path: the whole verification in a core worker (read, parse, checks) delegating signature batches to the pool's other workers, keeping every entry for the drill-down and sending them back as transferred buffers",
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup,
    async run() {
      const pool = corePool();
      const out = await pool.run<ManifestVerifyOutput>('manifest.verify', {
        dir: f.dir,
        trustPem: f.m.rootPem,
        planCsv: f.planCsv,
        keepEntries: true,
        parallelism: pool.size,
      });
      if (!out.report.ok) throw new Error(`verification failed: ${failures(out.report)}`);
    },
  },
  {
    name: 'manifest verify 100k (all checks)',
    group: 'manifest-verify',
    description:
      'verifyManifestFolder with --plan: CMS, signer chain and EKU, 100,000 device signatures, chains, digests, 802.1AR, duplicates, counters, plan, sequence; metrics: peak RSS of one more verification alone in a child process',
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup,
    run() {
      const r = verifyManifestFolder(f.dir, verifyOptions());
      if (!r.ok) throw new Error(`verification failed: ${failures(r)}`);
    },
    // This process's peak RSS is the fixture build's, so one more verification runs alone in
    // a child, as `hallmark manifest verify` would on a QA laptop.
    metrics() {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'manifest-verify-rss.ts'), f.dir, f.m.rootPem, f.planCsv], {
        cwd: join(BENCH_DIR, '..'),
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`manifest-verify-rss failed: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { ok: boolean; seconds: number; peakRssMiB: number };
      if (!out.ok) throw new Error('manifest-verify-rss: the verification failed');
      // the harness's own peak (fixture, SQLite, the timed runs' garbage) for contrast: not the verifier's
      return { peakRssMiB: out.peakRssMiB, childSeconds: out.seconds, benchProcessPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10 };
    },
  },
  {
    name: 'manifest build + sign 100k',
    group: 'manifest-verify',
    description:
      'buildManifestDocument from SQLite + serialize + detached CMS signature with the software P-256 signer (what export does before it commits and writes)',
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup,
    async run() {
      const signer = loadCurrentSigner(f.m.ws);
      const head = new ManifestRepository(f.m.ws).head()!;
      const doc = buildManifestDocument(f.m.ws, 'WO-BENCH', {
        sequence: head.sequence + 1,
        previousSha256: head.sha256,
        exportedAt: new Date(),
        auditHead: f.m.ws.audit.head()!,
      });
      const json = serializeManifest(doc);
      await signDetachedCms({ content: json, signer: f.m.signerKey, signerCertificate: signer.certificate.der, chain: signer.chain, signingTime: new Date() });
    },
  },
]);
