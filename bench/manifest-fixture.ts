import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordIssued } from '../main/ca/record-issued.js';
import { spkiDer } from '../main/keys/software/generate-key-pair.js';
import { prepareBatch } from '../main/station/batch-context.js';
import { deviceHardwareModuleName, deviceSubject } from '../main/station/subject-template.js';
import { closeBatch } from '../main/station/work-orders.js';
import { encodeName, formatName } from '../main/x509/distinguished-name.js';
import type { SignedCertificate } from '../main/x509/sign-certificate.js';
import { checkPublicKey } from '../main/x509/public-key/check-public-key.js';
import { exportTo, manifestWorkspace, type ManifestWorkspace } from '../test/support/manifest-fixture.js';
import { makeBatch, STATION_POLICY } from '../test/support/station-fixture.js';

/**
 * The 100,000-device work order of bench/manifest.bench.ts, shared with
 * bench/make-manifest-fixture.ts so a memory measurement can run on the same files.
 *
 * The work order is real: 100,000 distinct P-256 device keys, each certificate issued by
 * the station's prepared issuer (lints, signature, self-verification) and committed with
 * its audit entry and device rows, the work order closed — only the serial link and the
 * device's CSR are skipped.
 */
export const DEVICES = Number(process.env.HALLMARK_BENCH_MANIFEST_DEVICES ?? 100_000);
const POLICY = STATION_POLICY.replace("'HM-SIM1-[0-9]{4}'", "'HM-SIM1-[0-9]{6}'").replace('  uniqueCommonName: true\n', '  uniqueCommonName: false\n');

export interface ManifestFixture {
  readonly home: string;
  readonly m: ManifestWorkspace;
  readonly dir: string;
  readonly plan: string[];
  /** the plan as the CSV `--plan` reads */
  readonly planCsv: string;
  readonly setupSeconds: Record<string, number>;
}

/** Builds and exports the work order once (minutes at 100,000 devices); the caller disposes it. */
export async function createManifestFixture(devices: number = DEVICES): Promise<ManifestFixture> {
  const home = mkdtempSync(join(tmpdir(), 'hallmark-bench-manifest-'));
  const m = await manifestWorkspace(home);
  const t0 = performance.now();
  const plan = Array.from({ length: devices }, (_, i) => `HM-SIM1-${String(i + 1).padStart(6, '0')}`);
  makeBatch(m.ws, 'WO-BENCH', `${plan[0]}..${plan[devices - 1]}`, devices, POLICY);
  const ctx = prepareBatch(m.ws, 'WO-BENCH', m.caKey, 'bench-line');
  const t1 = performance.now();
  const CHUNK = 2000;
  let issueMs = 0;
  let commitMs = 0;
  for (let start = 0; start < devices; start += CHUNK) {
    const a = performance.now();
    const issued: { serial: string; signed: SignedCertificate; subject: string }[] = [];
    for (const serial of plan.slice(start, start + CHUNK)) {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const subject = deviceSubject(ctx.policy, serial);
      const { notBefore, notAfter } = ctx.validity(new Date());
      const signed = await ctx.issuer.issue({
        subjectKey: checkPublicKey(spkiDer(publicKey)),
        subjectName: encodeName(subject),
        notBefore,
        notAfter,
        hardwareModuleName: deviceHardwareModuleName(ctx.policy, serial),
      });
      issued.push({ serial, signed, subject: formatName(subject) });
    }
    const b = performance.now();
    m.ws.transact(() => {
      const at = new Date().toISOString();
      for (const d of issued) {
        const row = recordIssued(m.ws, {
          signed: d.signed,
          profile: 'idevid',
          issuerCa: 'mfg',
          issuerSpki: ctx.ca.certificate.spki,
          subject: d.subject,
          actor: 'bench-line',
        });
        const device = ctx.devices.insert({ batchId: 'WO-BENCH', model: 'SIM1', hardwareSerial: d.serial, port: 'bench', at });
        ctx.devices.addCertificate({
          certificateId: row.id,
          deviceId: device.id,
          batchId: 'WO-BENCH',
          spkiSha256: row.spkiSha256,
          csrSha256: row.spkiSha256,
          csrAllowances: [],
          at,
        });
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
  const planCsv = join(home, 'plan.csv');
  writeFileSync(planCsv, `serial\n${plan.join('\n')}\n`);
  console.error(`manifest bench fixture: ${devices} devices ${JSON.stringify(setupSeconds)}`);
  return { home, m, dir, plan, planCsv, setupSeconds };
}

export function disposeManifestFixture(f: ManifestFixture): void {
  f.m.ws.close();
  rmSync(f.home, { recursive: true, force: true });
}
