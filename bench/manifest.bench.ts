import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordIssued } from '../main/ca/record-issued.js';
import { spkiDer } from '../main/keys/software/generate-key-pair.js';
import { buildManifestDocument } from '../main/manifest/build-manifest.js';
import { signDetachedCms } from '../main/cms/sign-detached-cms.js';
import { serializeManifest } from '../main/manifest/format/serialize-manifest.js';
import { loadCurrentSigner } from '../main/manifest/manifest-signer.js';
import { readTrustAnchors } from '../main/manifest/verify/read-trust-anchors.js';
import { verifyManifestFolder } from '../main/manifest/verify/verify-manifest.js';
import { prepareBatch } from '../main/station/batch-context.js';
import { deviceHardwareModuleName, deviceSubject } from '../main/station/subject-template.js';
import { closeBatch } from '../main/station/work-orders.js';
import { ManifestRepository } from '../main/store/manifest-repository.js';
import { encodeName, formatName } from '../main/x509/distinguished-name.js';
import type { SignedCertificate } from '../main/x509/sign-certificate.js';
import { checkPublicKey } from '../main/x509/public-key/check-public-key.js';
import { exportTo, manifestWorkspace, type ManifestWorkspace } from '../test/support/manifest-fixture.js';
import { makeBatch, STATION_POLICY } from '../test/support/station-fixture.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';

/**
 * A 100,000-device manifest: export (build from SQLite, serialize, CMS-sign) and QA
 * verification (every named check: CMS, chains, 100,000 certificate signatures, digests,
 * 802.1AR fields, duplicates, counters, plan), against `openssl cms -verify` on the same
 * files in the same run (which checks only the CMS signature and the signer chain).
 *
 * The work order is real: 100,000 distinct P-256 device keys, each certificate issued by
 * the station's prepared issuer (lints, signature, self-verification) and committed with
 * its audit entry and device rows, the work order closed — only the serial link and the
 * device's CSR are skipped.
 */
const DEVICES = Number(process.env.HALLMARK_BENCH_MANIFEST_DEVICES ?? 100_000);
const POLICY = STATION_POLICY.replace("'HM-SIM1-[0-9]{4}'", "'HM-SIM1-[0-9]{6}'").replace('  uniqueCommonName: true\n', '  uniqueCommonName: false\n');

interface Fixture {
  readonly home: string;
  readonly m: ManifestWorkspace;
  readonly dir: string;
  readonly plan: string[];
  readonly setupSeconds: Record<string, number>;
}

const fixture = sharedFixture<Fixture>(
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'hallmark-bench-manifest-'));
    const m = await manifestWorkspace(home);
    const t0 = performance.now();
    const plan = Array.from({ length: DEVICES }, (_, i) => `HM-SIM1-${String(i + 1).padStart(6, '0')}`);
    makeBatch(m.ws, 'WO-BENCH', `${plan[0]}..${plan[DEVICES - 1]}`, DEVICES, POLICY);
    const ctx = prepareBatch(m.ws, 'WO-BENCH', m.caKey, 'bench-line');
    const t1 = performance.now();
    const CHUNK = 2000;
    let issueMs = 0;
    let commitMs = 0;
    for (let start = 0; start < DEVICES; start += CHUNK) {
      const a = performance.now();
      const issued: { serial: string; signed: SignedCertificate; subject: string }[] = [];
      for (const serial of plan.slice(start, start + CHUNK)) {
        const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        const subject = deviceSubject(ctx.policy, serial);
        const { notBefore, notAfter } = ctx.validity(new Date());
        const signed = await ctx.issuer.issue({ subjectKey: checkPublicKey(spkiDer(publicKey)), subjectName: encodeName(subject), notBefore, notAfter, hardwareModuleName: deviceHardwareModuleName(ctx.policy, serial) });
        issued.push({ serial, signed, subject: formatName(subject) });
      }
      const b = performance.now();
      m.ws.transact(() => {
        const at = new Date().toISOString();
        for (const d of issued) {
          const row = recordIssued(m.ws, { signed: d.signed, profile: 'idevid', issuerCa: 'mfg', issuerSpki: ctx.ca.certificate.spki, subject: d.subject, actor: 'bench-line' });
          const device = ctx.devices.insert({ batchId: 'WO-BENCH', model: 'SIM1', hardwareSerial: d.serial, port: 'bench', at });
          ctx.devices.addCertificate({ certificateId: row.id, deviceId: device.id, batchId: 'WO-BENCH', spkiSha256: row.spkiSha256, at });
          ctx.devices.update(device.id, { state: 'done', certificateId: row.id, spkiSha256: row.spkiSha256, at });
          m.ws.audit.append({ actor: 'bench-line', action: 'device.done', subject: `WO-BENCH/${d.serial}`, details: { certificateSha256: row.sha256 } });
        }
      });
      issueMs += b - a;
      commitMs += performance.now() - b;
    }
    closeBatch(m.ws, 'WO-BENCH', 'planner');
    const t2 = performance.now();
    const dir = join(home, 'out');
    await exportTo(m, 'WO-BENCH', dir);
    const t3 = performance.now();
    const setupSeconds = {
      batch: (t1 - t0) / 1000,
      issue: issueMs / 1000,
      commit: commitMs / 1000,
      firstExport: (t3 - t2) / 1000,
      manifestMiB: statSync(join(dir, 'manifest.json')).size / 2 ** 20,
    };
    console.error(`manifest bench fixture: ${DEVICES} devices ${JSON.stringify(setupSeconds)}`);
    return { home, m, dir, plan, setupSeconds };
  },
  (f) => {
    f.m.ws.close();
    rmSync(f.home, { recursive: true, force: true });
  },
);

let f: Fixture;
const setup = async () => {
  f = await fixture();
};

export default defineBenchmarks([
  {
    name: 'openssl cms -verify 100k',
    group: 'manifest-verify',
    baseline: true,
    description: 'openssl cms -verify -binary -inform DER … -CAfile root.pem -purpose any on the 100,000-device manifest (process start included)',
    iterations: 5,
    warmup: 1,
    setup,
    run() {
      const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(f.dir, 'manifest.json.p7s'), '-content', join(f.dir, 'manifest.json'), '-CAfile', f.m.rootPem, '-purpose', 'any', '-out', '/dev/null']);
      if (r.status !== 0) throw new Error(`openssl cms -verify failed: ${r.stderr}`);
    },
  },
  {
    name: 'manifest verify 100k (all checks)',
    group: 'manifest-verify',
    description: 'verifyManifestFolder with --plan: CMS, signer chain and EKU, 100,000 device signatures, chains, digests, 802.1AR, duplicates, counters, plan, sequence',
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup,
    run() {
      const r = verifyManifestFolder(f.dir, { anchors: readTrustAnchors(readFileSync(f.m.rootPem)), plan: f.plan });
      if (!r.ok) throw new Error(`verification failed: ${r.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.details[0]}`).join('; ')}`);
    },
  },
  {
    name: 'manifest build + sign 100k',
    group: 'manifest-verify',
    description: 'buildManifestDocument from SQLite + serialize + detached CMS signature with the software P-256 signer (what export does before it commits and writes)',
    iterations: 3,
    warmup: 1,
    maxTimeMs: 60_000,
    setup,
    async run() {
      const signer = loadCurrentSigner(f.m.ws);
      const head = new ManifestRepository(f.m.ws).head()!;
      const doc = buildManifestDocument(f.m.ws, 'WO-BENCH', { sequence: head.sequence + 1, previousSha256: head.sha256, exportedAt: new Date(), auditHead: f.m.ws.audit.head()! });
      const json = serializeManifest(doc);
      await signDetachedCms({ content: json, signer: f.m.signerKey, signerCertificate: signer.certificate.der, chain: signer.chain, signingTime: new Date() });
    },
  },
]);
