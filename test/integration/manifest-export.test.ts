import { execFileSync, spawnSync } from 'node:child_process';
import { createVerify, createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import { devicesSha256 } from '../../main/manifest/format/manifest-digests.js';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { serializeManifest } from '../../main/manifest/format/serialize-manifest.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { verifyManifest, verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { ManifestRepository } from '../../main/store/manifest-repository.js';
import { issueFromCsr } from '../../main/ca/issue-from-csr.js';
import { parseCsr } from '../../main/x509/csr/parse-csr.js';
import { buildCsr } from '../../main/x509/build-csr.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { closedBatch, exportTo, manifestWorkspace, rogueSigner, type ManifestWorkspace } from '../support/manifest-fixture.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-manifest-');
let m: ManifestWorkspace;
let dir1: string;
let dir2: string;
let signerCert: Buffer;
const anchors = () => readTrustAnchors(readFileSync(m.rootPem));

beforeAll(async () => {
  m = await manifestWorkspace(tmp.path);
  await closedBatch(m, 'WO-M1', '000');
  await closedBatch(m, 'WO-M2', '010');
  dir1 = join(tmp.path, 'out-1');
  dir2 = join(tmp.path, 'out-2');
  await exportTo(m, 'WO-M1', dir1, ['manifest', 'microchip', 'nrfcloud', 'jsonl', 'revocations']);
  await exportTo(m, 'WO-M2', dir2);
  const repo = new ManifestRepository(m.ws);
  signerCert = new CertificateRepository(m.ws).byId(repo.currentSigner()!.certificateId).der;
}, 60_000);

afterAll(() => {
  m?.ws.close();
  tmp.dispose();
});

const failing = (r: ReturnType<typeof verifyManifest>) => r.checks.filter((c) => c.status === 'fail').map((c) => c.name);
const docOf = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as ManifestDocument;

/** Re-signs an edited manifest with the station's real signer: what an insider (or a bug) at the station could produce. */
async function resigned(doc: ManifestDocument, recomputeDigest = true) {
  const edited = recomputeDigest ? { ...doc, devicesSha256: devicesSha256(doc.devices) } : doc;
  const json = serializeManifest(edited);
  const p7s = await signDetachedCms({ content: json, signer: m.signerKey, signerCertificate: signerCert, chain: m.caChain, signingTime: new Date() });
  return { json, p7s };
}

function openssl(args: string[]) {
  return spawnSync('openssl', args, { encoding: 'utf8' });
}

describe('manifest export', () => {
  it('writes manifest.json with every entry, chained by sequence, recorded and audited', () => {
    const doc = docOf(dir1);
    expect(doc).toMatchObject({
      format: 'hallmark-batch-manifest',
      formatVersion: 3,
      sequence: 1,
      previousManifestSha256: null,
      workOrder: { id: 'WO-M1', model: 'SIM1', planned: 7, quantity: 5 },
    });
    expect(doc.counters).toEqual({ planned: 7, quantity: 5, issued: 6, devicesIssued: 5, confirmed: 5, failed: 1, reworked: 1, refused: 0 });
    expect(doc.devices.map((d) => `${d.hardwareSerial}:${d.status}`)).toEqual([
      'HM-SIM1-0001:confirmed',
      'HM-SIM1-0002:confirmed',
      'HM-SIM1-0003:confirmed',
      'HM-SIM1-0004:superseded',
      'HM-SIM1-0004:confirmed',
      'HM-SIM1-0005:confirmed',
      'HM-SIM1-0006:failed',
    ]);
    expect(doc.devices[3]!.rework).toMatchObject({ reason: 'SECURE_ELEMENT_REPLACED', operator: 'qa-lead', note: 'SE lot 7' });
    expect(doc.devices[6]!.certificate).toBeNull();
    // Simulated devices write RFC 2986 CSRs: each certificate names its request and needed no allowance.
    for (const d of doc.devices.filter((e) => e.certificate !== null))
      expect(d.certificate!.request).toEqual({ csrSha256: expect.stringMatching(/^[0-9a-f]{64}$/), allowances: [] });
    expect(doc.operators).toEqual(['line-1', 'qa-lead']);
    expect(doc.issuingCaChain.map((b) => Buffer.from(b, 'base64'))).toEqual(m.caChain);
    const second = docOf(dir2);
    expect(second.sequence).toBe(2);
    expect(second.previousManifestSha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(dir1, 'manifest.json')))
        .digest('hex'),
    );
    const actions = m.ws.audit.query({ sinceSeq: 0 }).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'manifest.created')).toHaveLength(2);
    expect(actions.filter((a) => a === 'manifest.exported')).toHaveLength(2);
    expect(m.ws.verifyAudit().ok).toBe(true);
  });

  it('re-exports the recorded bytes, never a second manifest, and never overwrites', async () => {
    await expect(exportTo(m, 'WO-M1', dir1)).rejects.toMatchObject({ code: 'MANIFEST_OUTPUT_EXISTS' });
    const again = join(tmp.path, 'again');
    const r = await exportTo(m, 'WO-M1', again);
    expect(r).toMatchObject({ sequence: 1, created: false });
    expect(readFileSync(join(again, 'manifest.json'))).toEqual(readFileSync(join(dir1, 'manifest.json')));
    expect(readFileSync(join(again, 'manifest.json.p7s'))).toEqual(readFileSync(join(dir1, 'manifest.json.p7s')));
    expect(() => m.ws.db.prepare('DELETE FROM manifests').run()).toThrow(/MANIFEST_IMMUTABLE/);
  });

  it('refuses an open work order', async () => {
    const { makeBatch } = await import('../support/station-fixture.js');
    makeBatch(m.ws, 'WO-OPEN', 'HM-SIM1-0901..HM-SIM1-0902', 1);
    await expect(exportTo(m, 'WO-OPEN', join(tmp.path, 'open'))).rejects.toMatchObject({ code: 'MANIFEST_BATCH_OPEN' });
  });

  it('openssl cms -verify accepts the detached signature, and refuses it after any byte of the manifest changes', () => {
    const args = (content: string) => [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir1, 'manifest.json.p7s'),
      '-content',
      content,
      '-CAfile',
      m.rootPem,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ];
    const ok = openssl(args(join(dir1, 'manifest.json')));
    expect(ok.stderr).toMatch(/Verification successful/);
    expect(ok.status).toBe(0);
    const json = readFileSync(join(dir1, 'manifest.json'));
    for (const at of [0, Math.floor(json.length / 2), json.length - 1]) {
      const bad = Buffer.from(json);
      bad[at] = bad[at]! ^ 0x01;
      const path = join(tmp.path, `tampered-${at}.json`);
      writeFileSync(path, bad);
      expect(openssl(args(path)).status).not.toBe(0);
    }
  });
});

describe('manifest verify (standalone verifier)', () => {
  it('passes every check on the exported manifest, with the plan and the previous manifest', () => {
    const plan = [1, 2, 3, 4, 5, 6, 7].map((n) => `HM-SIM1-010${n}`);
    const r = verifyManifestFolder(dir2, { anchors: anchors(), plan, previousDir: dir1 });
    expect(failing(r)).toEqual([]);
    expect(r.ok).toBe(true);
    // an IDevID work order: devices.matter-dac has nothing to run on
    expect(r.checks.filter((c) => c.status !== 'pass').map((c) => [c.name, c.status])).toEqual([['devices.matter-dac', 'skip']]);
    expect(r.checks.find((c) => c.name === 'plan')!.details.join()).toMatch(
      /2 planned serial\(s\) without a confirmed device, within the 2 the quota leaves out: HM-SIM1-0106, HM-SIM1-0107/,
    );
  });

  it('a byte changed in the JSON: cms.signature', () => {
    const json = readFileSync(join(dir1, 'manifest.json'));
    const doc = docOf(dir1);
    const at = json.indexOf(doc.station.workspaceId);
    const bad = Buffer.from(json);
    bad[at] = bad[at] === 0x61 ? 0x62 : 0x61;
    const r = verifyManifest(bad, readFileSync(join(dir1, 'manifest.json.p7s')), 'x', { anchors: anchors() });
    expect(failing(r)).toEqual(['cms.signature']);
  });

  it('a certificate swapped for one from another CA: devices.certificate-signature', async () => {
    const doc = docOf(dir1);
    // Same subject, same serial, same key, but issued by an outside root.
    const { rogueRootKey } = await rogueSigner(m);
    const deviceKey = await newSoftwareKey(m.ws, 'swap-device-key', 'ecdsa-p256');
    const subject = parseSubject('O=Acme Devices GmbH,CN=SIM1-HM-SIM1-0001,serialNumber=HM-SIM1-0001');
    const csr = parseCsr(await buildCsr({ key: deviceKey, subject }));
    const forged = await issueFromCsr(m.ws, {
      ca: 'rogue-root',
      caKey: rogueRootKey,
      csr,
      profile: 'idevid',
      subject,
      validity: 'no-expiration',
      idevid: { hardwareModuleName: { hwType: '1.3.6.1.4.1.55555.1.1', hwSerialNum: Buffer.from('HM-SIM1-0001') } },
      actor: 'mallory',
    });
    const entry = doc.devices[0]!;
    const swapped = {
      ...doc,
      devices: [
        {
          ...entry,
          certificate: {
            ...entry.certificate!,
            der: forged.row.der.toString('base64'),
            sha256: forged.row.sha256,
            publicKeySha256: forged.row.spkiSha256,
            serial: forged.row.serial,
          },
        },
        ...doc.devices.slice(1),
      ],
    };
    const { json, p7s } = await resigned(swapped);
    const r = verifyManifest(json, p7s, 'x', { anchors: anchors() });
    expect(failing(r)).toContain('devices.certificate-signature');
    expect(r.checks.find((c) => c.name === 'devices.certificate-signature')!.details[0]).toMatch(
      /^HM-SIM1-0001 .*does not verify with the key of the issuing CA/,
    );
  });

  it("a certificate swapped for another device's, digests left: devices.digests", async () => {
    const doc = docOf(dir1);
    const [a, b] = doc.devices;
    const swapped = { ...doc, devices: [{ ...a!, certificate: { ...a!.certificate!, der: b!.certificate!.der } }, ...doc.devices.slice(1)] };
    const r = verifyManifest(...(Object.values(await resigned(swapped)) as [Buffer, Buffer]), 'x', { anchors: anchors() });
    expect(failing(r)).toContain('devices.digests');
    expect(failing(r)).toContain('devices.802-1ar');
  });

  it('an entry removed (digest recomputed): counters', async () => {
    const doc = docOf(dir1);
    const removed = { ...doc, devices: doc.devices.filter((d) => d.hardwareSerial !== 'HM-SIM1-0002') };
    const { json, p7s } = await resigned(removed);
    expect(failing(verifyManifest(json, p7s, 'x', { anchors: anchors() }))).toEqual(['counters']);
    // …and without recomputing the list digest, devices.list-digest as well.
    const stale = await resigned(removed, false);
    expect(failing(verifyManifest(stale.json, stale.p7s, 'x', { anchors: anchors() }))).toEqual(['devices.list-digest', 'counters']);
  });

  it('an entry duplicated: devices.no-duplicates (and counters)', async () => {
    const doc = docOf(dir1);
    const devices = [...doc.devices];
    devices.splice(2, 0, doc.devices[2]!);
    const { json, p7s } = await resigned({ ...doc, devices });
    expect(failing(verifyManifest(json, p7s, 'x', { anchors: anchors() }))).toEqual(['devices.no-duplicates', 'counters']);
  });

  it('re-signed by a key that does not chain to the trusted root: cms.signer-chain', async () => {
    const rogue = await rogueSigner(m);
    const json = readFileSync(join(dir1, 'manifest.json'));
    const p7s = await signDetachedCms({
      content: json,
      signer: rogue.rogueKey,
      signerCertificate: rogue.signerDer,
      chain: rogue.chain,
      signingTime: new Date(),
    });
    const r = verifyManifest(json, p7s, 'x', { anchors: anchors() });
    expect(failing(r)).toEqual(['cms.signer-chain']);
  });

  it('a counter edited: counters', async () => {
    const doc = docOf(dir1);
    const { json, p7s } = await resigned({ ...doc, counters: { ...doc.counters, confirmed: doc.counters.confirmed + 1 } });
    const r = verifyManifest(json, p7s, 'x', { anchors: anchors() });
    expect(failing(r)).toEqual(['counters']);
    expect(r.checks.find((c) => c.name === 'counters')!.details).toEqual(['confirmed: the manifest states 6, its entries show 5']);
  });

  it('a skipped sequence number, with --previous: sequence', async () => {
    const doc = docOf(dir2);
    const skipDir = join(tmp.path, 'skip');
    mkdirSync(skipDir);
    const { json, p7s } = await resigned({ ...doc, sequence: 3 });
    writeFileSync(join(skipDir, 'manifest.json'), json);
    writeFileSync(join(skipDir, 'manifest.json.p7s'), p7s);
    const r = verifyManifestFolder(skipDir, { anchors: anchors(), previousDir: dir1 });
    expect(failing(r)).toEqual(['sequence']);
    expect(r.checks.find((c) => c.name === 'sequence')!.details[0]).toMatch(/sequence 3 does not follow the previous manifest's 1 \(1 manifest\(s\) missing/);
    // The same manifest checked against itself as "previous": every device is a duplicate.
    const again = verifyManifestFolder(dir1, { anchors: anchors(), previousDir: dir1 });
    expect(failing(again)).toEqual(['devices.no-duplicates', 'sequence']);
  });

  it('the CLI: exit 0 with a text report, exit 1 naming the failed checks, --json and a script-free HTML report', async () => {
    const ok = await runCli(['manifest', 'verify', dir2, '--trust', m.rootPem, '--previous', dir1]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/PASS {2}cms\.signature/);
    expect(ok.stdout).toMatch(/SKIP {2}plan/);
    expect(ok.stdout).toMatch(/RESULT: PASS/);
    const badDir = join(tmp.path, 'bad-cli');
    mkdirSync(badDir);
    const json = readFileSync(join(dir1, 'manifest.json'));
    writeFileSync(join(badDir, 'manifest.json'), Buffer.concat([json, Buffer.from(' ')]));
    writeFileSync(join(badDir, 'manifest.json.p7s'), readFileSync(join(dir1, 'manifest.json.p7s')));
    const html = join(tmp.path, 'report.html');
    const bad = await runCli(['--json', 'manifest', 'verify', badDir, '--trust', m.rootPem, '--html', html]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/MANIFEST_VERIFY_FAILED: 1 check\(s\) failed: cms\.signature/);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, workOrder: 'WO-M1' });
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/FAIL/);
    expect(page).not.toMatch(/<script/i);
    expect(page).toMatch(/default-src 'none'/);
  });
});

describe('exports for the online side', () => {
  it('Microchip JWS: ES256 over each entry verifies with the signer key (IEEE P1363), x5t#S256 is the signer certificate hash', () => {
    const entries = JSON.parse(readFileSync(join(dir1, 'devices.microchip.json'), 'utf8')) as {
      payload: string;
      protected: string;
      header: { uniqueId: string };
      signature: string;
    }[];
    expect(entries.map((e) => e.header.uniqueId)).toEqual(['HM-SIM1-0001', 'HM-SIM1-0002', 'HM-SIM1-0003', 'HM-SIM1-0004', 'HM-SIM1-0005']);
    const signerKeyPem = { key: m.signerKey.spki, format: 'der' as const, type: 'spki' as const };
    for (const e of entries) {
      const header = JSON.parse(Buffer.from(e.protected, 'base64url').toString()) as Record<string, unknown>;
      expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      expect(header['x5t#S256']).toBe(createHash('sha256').update(signerCert).digest('base64url'));
      const signature = Buffer.from(e.signature, 'base64url');
      expect(signature).toHaveLength(64);
      const v = createVerify('sha256');
      v.update(`${e.protected}.${e.payload}`);
      expect(v.verify({ ...signerKeyPem, dsaEncoding: 'ieee-p1363' } as never, signature)).toBe(true);
      const payload = JSON.parse(Buffer.from(e.payload, 'base64url').toString()) as {
        publicKeySet: { keys: { x5c: string[] }[] };
        provisioningTimestamp: string;
      };
      expect(payload).toMatchObject({
        version: 1,
        model: 'SIM1',
        uniqueId: e.header.uniqueId,
        groupId: 'WO-M1',
        manufacturer: { organizationName: 'Acme Devices GmbH' },
      });
      const key = payload.publicKeySet.keys[0]!;
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(Buffer.from(key.x5c[1]!, 'base64')).toEqual(signerCert);
      expect(payload.provisioningTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('nRF Cloud CSV, JSON Lines and the revocation set', () => {
    const files = readdirSync(dir1).sort();
    expect(files).toEqual(['devices.jsonl', 'devices.microchip.json', 'manifest.json', 'manifest.json.p7s', 'nrfcloud-onboarding-001.csv', 'revocations.json']);
    const csv = readFileSync(join(dir1, 'nrfcloud-onboarding-001.csv'), 'utf8');
    expect(csv.startsWith('HM-SIM1-0001,,,APP|MODEM,"-----BEGIN CERTIFICATE-----\n')).toBe(true);
    const lines = readFileSync(join(dir1, 'devices.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatchObject({ workOrder: 'WO-M1', manifestSequence: 1, hardwareSerial: 'HM-SIM1-0001' });
    const revocations = JSON.parse(readFileSync(join(dir1, 'revocations.json'), 'utf8')) as { revoked: unknown[] };
    expect(revocations.revoked).toEqual([
      expect.objectContaining({ hardwareSerial: 'HM-SIM1-0004', status: 'superseded', reason: 'superseded', reworkReason: 'SECURE_ELEMENT_REPLACED' }),
    ]);
  });

  it('--crl signs a CRL from the issuing CA that lists the superseded certificate', async () => {
    const out = join(tmp.path, 'crl');
    const { exportBatch } = await import('../../main/manifest/export-batch.js');
    const r = await exportBatch(m.ws, {
      batchId: 'WO-M1',
      outDir: out,
      formats: ['revocations'],
      signerKey: async () => m.signerKey,
      crl: { caKey: async () => m.caKey, nextUpdateDays: 30 },
      actor: 'qa',
    });
    expect(r.crlNumber).toBeGreaterThan(0);
    expect(existsSync(join(out, 'revocations.crl.pem'))).toBe(true);
    const text = execFileSync('openssl', ['crl', '-in', join(out, 'revocations.crl.pem'), '-noout', '-text'], { encoding: 'utf8' });
    const revoked = (JSON.parse(readFileSync(join(out, 'revocations.json'), 'utf8')) as { revoked: { certificateSerial: string }[] }).revoked[0]!
      .certificateSerial;
    expect(text.toUpperCase().replace(/:/g, '')).toContain(revoked.toUpperCase().replace(/^0+/, ''));
  });
});
