import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import { devicesSha256 } from '../../main/manifest/format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { serializeManifest } from '../../main/manifest/format/serialize-manifest.js';
import type { CheckResult, VerificationReport } from '../../main/manifest/verify/check-result.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { ManifestRepository } from '../../main/store/manifest-repository.js';
import { corePool } from '../../main/workers/core-pool.js';
import type { ManifestVerifyOutput } from '../../main/workers/tasks/manifest-verify-task.js';
import { closedBatch, exportTo, manifestWorkspace, type ManifestWorkspace } from '../support/manifest-fixture.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * Issue 19: a re-signed manifest whose entries contradict themselves (a confirmed entry of
 * a failed device without a certificate, …) passed every check, because the counters count
 * device states and nothing looked at an entry as a whole. Each case below edits the real
 * export of the fixture's work order (0001–0003 confirmed, 0004 superseded then confirmed,
 * 0005 confirmed, 0006 failed without a certificate), re-signs it with the station's signer
 * and verifies it with the reference verifier and the QA worker task on the core pool.
 */

const tmp = tempDir('hallmark-entry-consistency-');
let m: ManifestWorkspace;
let good: string;
let doc: ManifestDocument;
let signerCert: Buffer;

beforeAll(async () => {
  m = await manifestWorkspace(tmp.path);
  await closedBatch(m, 'WO-C1');
  good = join(tmp.path, 'good');
  await exportTo(m, 'WO-C1', good);
  doc = JSON.parse(readFileSync(join(good, 'manifest.json'), 'utf8')) as ManifestDocument;
  signerCert = new CertificateRepository(m.ws).byId(new ManifestRepository(m.ws).currentSigner()!.certificateId).der;
}, 60_000);

afterAll(() => {
  m?.ws.close();
  tmp.dispose();
});

/** Both verifiers on one folder; the pooled report must be the reference's, check for check. */
async function verifyBoth(dir: string): Promise<VerificationReport> {
  const reference = verifyManifestFolder(dir, { anchors: readTrustAnchors(readFileSync(m.rootPem)) });
  const pool = corePool();
  const { report: pooled } = await pool.run<ManifestVerifyOutput>('manifest.verify', {
    dir,
    trustPem: m.rootPem,
    keepEntries: false,
    parallelism: pool.size,
  });
  expect(pooled.checks).toEqual(reference.checks);
  return reference;
}

const check = (r: VerificationReport, name: string): CheckResult => r.checks.find((c) => c.name === name)!;
const failing = (r: VerificationReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.name);

/** Edits the entries of the good export (the first entry of `serial`, or the one `pick` finds), re-signs with the station's signer, writes a folder. */
async function tampered(name: string, serial: string, edit: (e: DeviceEntry) => DeviceEntry, pick = 0): Promise<string> {
  let seen = 0;
  const devices = doc.devices.map((e) => (e.hardwareSerial === serial && seen++ === pick ? edit(structuredClone(e)) : e));
  expect(seen).toBeGreaterThan(pick);
  const json = serializeManifest({ ...doc, devices, devicesSha256: devicesSha256(devices) });
  const p7s = await signDetachedCms({ content: json, signer: m.signerKey, signerCertificate: signerCert, chain: m.caChain, signingTime: new Date() });
  const dir = join(tmp.path, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.json'), json);
  writeFileSync(join(dir, 'manifest.json.p7s'), p7s);
  return dir;
}

const superseded = () => doc.devices.find((e) => e.status === 'superseded')!;

describe('devices.entry-consistency', () => {
  it('passes on the real export, and the counters are "as the entries show"', async () => {
    const r = await verifyBoth(good);
    expect(failing(r)).toEqual([]);
    expect(check(r, 'devices.entry-consistency')).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^all 7 entries agree with themselves/) });
    expect(check(r, 'counters').summary).toMatch(/— as the entries show$/);
  });

  it('the QA report of issue 19: a confirmed entry of a failed device without a certificate', async () => {
    const r = await verifyBoth(await tampered('confirmed-failed', 'HM-SIM1-0006', (e) => ({ ...e, status: 'confirmed' })));
    expect(failing(r)).toEqual(['devices.entry-consistency']);
    const c = check(r, 'devices.entry-consistency');
    expect(c.summary).toBe('2 inconsistencies in the entries of 1 device: HM-SIM1-0006');
    expect(c.details).toEqual([
      'HM-SIM1-0006: confirmed without a certificate',
      'HM-SIM1-0006: confirmed, but the device state is "failed" (a confirmed device is done)',
    ]);
    // the counters agree with the device states, but no longer claim the entries show them
    expect(check(r, 'counters')).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('though 2 inconsistencies leave their statuses saying otherwise'),
    });
    expect(check(r, 'counters').summary).not.toMatch(/as the entries show/);
  });

  const cases: [string, string, (e: DeviceEntry) => DeviceEntry, number, RegExp][] = [
    [
      'confirmed-revocation',
      'HM-SIM1-0001',
      (e) => ({ ...e, revocation: { reason: 'keyCompromise', revokedAt: e.lastChangeAt } }),
      0,
      /^HM-SIM1-0001 \(certificate [0-9a-f]+\): confirmed, yet it carries a revocation$/,
    ],
    ['failed-rework', 'HM-SIM1-0006', (e) => ({ ...e, rework: superseded().rework }), 0, /^HM-SIM1-0006: failed, yet it carries a rework record/],
    [
      'superseded-no-rework',
      'HM-SIM1-0004',
      (e) => ({ ...e, rework: null }),
      0,
      /^HM-SIM1-0004 \(certificate [0-9a-f]+\): superseded without a rework record$/,
    ],
    ['superseded-no-revocation', 'HM-SIM1-0004', (e) => ({ ...e, revocation: null }), 0, /^HM-SIM1-0004 .*: superseded without a revocation/],
    ['revoked-no-revocation', 'HM-SIM1-0002', (e) => ({ ...e, status: 'revoked' }), 0, /^HM-SIM1-0002 .*: revoked without a revocation$/],
    [
      'two-device-states',
      'HM-SIM1-0004',
      (e) => ({ ...e, deviceState: 'failed' }),
      0,
      /^HM-SIM1-0004 .*: device state "done", but another entry of the device says "failed"$/,
    ],
    [
      'first-seen-after-change',
      'HM-SIM1-0003',
      (e) => ({ ...e, firstSeenAt: '2099-01-01T00:00:00.000Z' }),
      0,
      /^HM-SIM1-0003 .*: first seen 2099-01-01T00:00:00.000Z, after its last change/,
    ],
    [
      'issued-after-change',
      'HM-SIM1-0005',
      (e) => ({ ...e, certificate: { ...e.certificate!, issuedAt: '2099-01-01T00:00:00.000Z' } }),
      0,
      /^HM-SIM1-0005 .*: issued 2099-01-01T00:00:00.000Z, after the device's last change/,
    ],
    [
      'revoked-before-issued',
      'HM-SIM1-0004',
      (e) => ({ ...e, revocation: { ...e.revocation!, revokedAt: '2000-01-01T00:00:00.000Z' } }),
      0,
      /^HM-SIM1-0004 .*: revoked 2000-01-01T00:00:00.000Z, before it was issued/,
    ],
    ['not-a-time', 'HM-SIM1-0001', (e) => ({ ...e, lastChangeAt: 'yesterday' }), 0, /^HM-SIM1-0001 .*: lastChangeAt "yesterday" is not an ISO 8601 time$/],
  ];
  it.each(cases)('%s: fails, naming the device and what is wrong', async (name, serial, edit, pick, detail) => {
    const r = await verifyBoth(await tampered(name, serial, edit, pick));
    expect(failing(r)).toEqual(['devices.entry-consistency']);
    const c = check(r, 'devices.entry-consistency');
    expect(c.summary).toMatch(new RegExp(`in the entries of 1 device: ${serial}$`));
    expect(c.details).toContainEqual(expect.stringMatching(detail));
    for (const d of c.details) expect(d.startsWith(`${serial}`)).toBe(true);
  });

  it('a done device whose current certificate is listed as superseded: no entry holds it', async () => {
    const s = superseded();
    const r = await verifyBoth(
      await tampered('done-only-superseded', 'HM-SIM1-0002', (e) => ({
        ...e,
        status: 'superseded',
        revocation: s.revocation,
        rework: { ...s.rework!, approvedAt: e.lastChangeAt },
      })),
    );
    // the edit also makes one more superseded certificate than the counters froze
    expect(failing(r)).toEqual(['devices.entry-consistency', 'counters']);
    expect(check(r, 'devices.entry-consistency').details).toEqual(['HM-SIM1-0002: device state "done", but no entry holds its current certificate']);
  });
});
