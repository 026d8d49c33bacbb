import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QaProgressView, QaReportView } from '../../preload/api.js';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { QaSession } from '../../main/api/qa-session.js';
import { readPlanCsv } from '../../main/manifest/verify/plan-check.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { Workspace } from '../../main/store/workspace.js';
import { corePool } from '../../main/workers/core-pool.js';
import { verifyFolderOnPool } from '../../main/workers/verify-folder-on-pool.js';
import { syntheticManifest, type SyntheticManifest } from '../support/synthetic-manifest.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The issue asks for 100,000 devices; building and verifying that many takes ~40 s of CPU
 * on this 2-core machine, over the suite's per-file budget, so the test uses 20,000
 * (~24 MiB of manifest.json, several seconds of verification — hundreds of times the
 * 100 ms asked for) and bench/manifest.bench.ts keeps 100,000.
 */
const DEVICES = Number(process.env.HALLMARK_TEST_MANIFEST_DEVICES ?? 20_000);

const tmp = tempDir('hallmark-qa-thread-');
let big: SyntheticManifest;
let ws: Workspace;
let qa: QaSession;
let handlers: Handlers;
const progress: QaProgressView[] = [];

beforeAll(async () => {
  big = await syntheticManifest(join(tmp.path, 'big'), DEVICES);
  ws = Workspace.init(join(tmp.path, 'qa-home'), 'test').workspace;
  qa = new QaSession();
  qa.onProgress((p) => progress.push(p));
  handlers = createCoreHandlers(ws, undefined, undefined, {}, qa);
}, 120_000);
afterAll(() => {
  qa?.dispose();
  ws?.close();
  tmp.dispose();
});

const call = (op: string, input: unknown) => dispatch(handlers, op, input);
const sample = async (until: () => boolean) => {
  const latencies: number[] = [];
  while (!until()) {
    const t0 = performance.now();
    const r = await call('audit.query', { offset: 0, limit: 50 });
    latencies.push(performance.now() - t0);
    expect(r.ok).toBe(true);
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return latencies;
};

describe('qa.verify off the thread that serves the window', () => {
  it('answers the API within 100 ms while a big manifest verifies, reports progress, and drills down without re-reading', async () => {
    progress.length = 0;
    let done = false;
    const verifying = call('qa.verify', { dir: big.dir, trustPem: big.rootPem, planCsv: big.planCsv }).finally(() => (done = true));
    const latencies = await sample(() => done);
    const r = await verifying;
    if (!r.ok) throw new Error(r.error.message);
    const report = r.value as QaReportView;
    expect(report.ok).toBe(true);
    expect(report.devices).toBe(DEVICES);
    expect(report.checks.find((c) => c.name === 'devices.certificate-signature')?.summary).toMatch(
      new RegExp(`^all ${DEVICES} device certificates are signed by`),
    );

    // The window's side kept answering: dozens of round trips, none slow.
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(100);

    // Progress: for this folder, rising, ending with every entry checked.
    const mine = progress.filter((p) => p.dir === big.dir && p.total > 0);
    expect(mine.length).toBeGreaterThan(3);
    expect(mine.every((p) => p.total === DEVICES)).toBe(true);
    expect(mine.map((p) => p.checked)).toEqual([...mine.map((p) => p.checked)].sort((a, b) => a - b));
    expect(mine.some((p) => p.checked > 0 && p.checked < DEVICES)).toBe(true);
    expect(mine[mine.length - 1]!.checked).toBe(DEVICES);

    // The drill-down answers from what was verified: the folder is not read again.
    const doc = JSON.parse(readFileSync(join(big.dir, 'manifest.json'), 'utf8')) as { devices: { certificate: { sha256: string } }[] };
    const index = DEVICES - 1;
    const expected = doc.devices[index]!.certificate.sha256;
    renameSync(join(big.dir, 'manifest.json'), join(big.dir, 'manifest.json.away'));
    try {
      const t0 = performance.now();
      const d = await call('qa.device', { dir: big.dir, index, manifestSha256: report.manifestSha256 });
      expect(performance.now() - t0).toBeLessThan(100);
      expect(d).toMatchObject({
        ok: true,
        value: { index, hardwareSerial: `HM-${String(DEVICES).padStart(9, '0')}`, certificateSha256: expected, certificate: { sha256: expected } },
      });
      expect(await call('qa.device', { dir: big.dir, index: DEVICES, manifestSha256: report.manifestSha256 })).toMatchObject({
        ok: false,
        error: { code: 'MANIFEST_UNREADABLE' },
      });
      // without the verified SHA-256 there is nothing kept to answer from: the folder is read, and it is gone
      expect(await call('qa.device', { dir: big.dir, index })).toMatchObject({ ok: false });
    } finally {
      renameSync(join(big.dir, 'manifest.json.away'), join(big.dir, 'manifest.json'));
    }
  });

  it('qa.cancel stops a verification at once, with OPERATION_CANCELLED, and the next one runs', async () => {
    const started = (after: number) =>
      expect.poll(() => progress.slice(after).some((p) => p.dir === big.dir && p.checked > 0), { timeout: 60_000, interval: 20 }).toBe(true);
    progress.length = 0;
    const first = call('qa.verify', { dir: big.dir, trustPem: big.rootPem });
    await started(0);
    const t0 = performance.now();
    expect(await call('qa.cancel', {})).toEqual({ ok: true, value: { cancelled: 1 } });
    expect(await first).toMatchObject({ ok: false, error: { code: 'OPERATION_CANCELLED' } });
    expect(performance.now() - t0).toBeLessThan(1000);
    // the cancelled workers were terminated; fresh ones take the next verification
    const mark = progress.length;
    const second = call('qa.saveReport', { dir: big.dir, trustPem: big.rootPem });
    await started(mark);
    expect(await call('qa.cancel', {})).toEqual({ ok: true, value: { cancelled: 1 } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'OPERATION_CANCELLED' } });
    expect(await call('qa.cancel', {})).toEqual({ ok: true, value: { cancelled: 0 } });
  });
});

describe('the pooled verifier reports exactly what the reference verifier reports', () => {
  it('on a manifest with bad signatures, through the CLI path (verifyFolderOnPool)', async () => {
    const bad = await syntheticManifest(join(tmp.path, 'bad'), 3000, { badSignatureAt: [2999, 7, 1500] });
    const options = { anchors: readTrustAnchors(readFileSync(bad.rootPem)), plan: readPlanCsv(readFileSync(bad.planCsv, 'utf8')), now: new Date() };
    const reference = verifyManifestFolder(bad.dir, options);
    const pooled = await verifyFolderOnPool(corePool(), bad.dir, options);
    expect(pooled).toEqual(reference);
    const signatures = pooled.checks.find((c) => c.name === 'devices.certificate-signature')!;
    expect(signatures.status).toBe('fail');
    expect(signatures.details.map((d) => d.split(' ')[0])).toEqual(['HM-000000008', 'HM-000001501', 'HM-000003000']);
    expect(pooled.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['devices.certificate-signature']);
  });
});
