import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { issueFromCsr } from '../../main/ca/issue-from-csr.js';
import { makeSimulatedCsr } from '../../main/devices/simulator/simulated-csr.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseCertificate } from '../../main/x509/certificate-facts.js';
import { certificateDer } from '../../main/x509/certificate-input.js';
import { parseCsr } from '../../main/x509/csr/parse-csr.js';
import { encodeName, parseSubject } from '../../main/x509/distinguished-name.js';
import { MATTER_CERTIFICATE_RULES } from '../../main/x509/matter/matter-rules.js';
import { verifyAttestationChain } from '../../main/x509/matter/verify-attestation-chain.js';
import { createBatch } from '../../main/station/work-orders.js';
import { parseSerialRange } from '../../main/station/production-plan.js';
import { makeCertificationDeclaration } from '../support/matter-cd.js';
import { MatterFakeDevice } from '../support/matter-station.js';
import { makeBatch } from '../support/station-fixture.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-matter-');
const CHECK = join(import.meta.dirname, '../support/check_matter_chain.py');
const CHIP = join(import.meta.dirname, '../fixtures/matter-chip');
const DAY = 86_400_000;
let ws: Workspace;
let paaKey: SyncSigningKey;
let paiKey: SyncSigningKey;
let paa: Buffer;
let pai: Buffer;

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
const countRows = () => (ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n;

async function deviceCsr(curve: 'prime256v1' | 'secp384r1' = 'prime256v1') {
  const key = generateKeyPairSync('ec', { namedCurve: curve });
  const der = await makeSimulatedCsr({
    key: { algorithm: curve === 'prime256v1' ? 'ecdsa-p256' : 'ecdsa-p384', ...key },
    subjectDer: encodeName(parseSubject('CN=placeholder')),
    challengePassword: 'x',
  });
  return parseCsr(der);
}

function externalChecks(paaDer: Buffer, paiDer: Buffer, dacDer: Buffer, name: string) {
  const files = ['paa', 'pai', 'dac'].map((r) => join(tmp.path, `${name}-${r}.pem`));
  [paaDer, paiDer, dacDer].forEach((d, i) => writeFileSync(files[i]!, pem(d)));
  const py = spawnSync('/usr/bin/python3', [CHECK, ...files], { encoding: 'utf8' });
  const ssl = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', files[0]!, '-untrusted', files[1]!, files[2]!], { encoding: 'utf8' });
  return { py, ssl };
}

beforeAll(async () => {
  ({ workspace: ws } = Workspace.init(`${tmp.path}/ws`, 'custodian'));
  paaKey = await newSoftwareKey(ws, 'paa-key', 'ecdsa-p256');
  paiKey = await newSoftwareKey(ws, 'pai-key', 'ecdsa-p256');
  paa = (
    await createRootCa(ws, {
      name: 'paa',
      profile: 'matter-paa',
      subject: parseSubject('CN=Acme Matter PAA,matterVendorId=FFF1'),
      key: paaKey,
      validityDays: 7300,
      actor: 'custodian',
    })
  ).certificate.der;
  pai = (
    await createIntermediateCa(ws, {
      name: 'pai',
      profile: 'matter-pai',
      parent: 'paa',
      parentKey: paaKey,
      subject: parseSubject('CN=Acme Matter PAI,matterVendorId=FFF1,matterProductId=8000'),
      key: new KeyRepository(ws).get('pai-key'),
      validityDays: 2900,
      options: {},
      actor: 'custodian',
    })
  ).certificate.der;
});
afterAll(() => {
  ws?.close();
  tmp.dispose();
});

describe('Matter PAA / PAI / DAC issued by Hallmark', () => {
  it('creates a PAA and a PAI that follow the rules, recorded under their Matter profiles', () => {
    const rows = ws.db.prepare('SELECT profile FROM certificates ORDER BY id').all() as { profile: string }[];
    expect(rows.map((r) => r.profile)).toEqual(['matter-paa', 'matter-pai']);
    const p = parseCertificate(pai);
    expect(p.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect([...p.keyUsage!].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect(p.der.length).toBeLessThanOrEqual(600);
  });

  it('issues a DAC from a P-256 CSR with VID/PID from the request, never the CSR subject; every checker accepts the chain', async () => {
    const issued = await issueFromCsr(ws, {
      ca: 'pai',
      caKey: paiKey,
      csr: await deviceCsr(),
      profile: 'matter-dac',
      matter: { vendorId: 'FFF1', productId: '8000' },
      subject: parseSubject('CN=Acme Light 0001'),
      validity: 'no-expiration',
      actor: 'lab',
    });
    const dac = issued.signed.certificate;
    expect(issued.row.profile).toBe('matter-dac');
    expect(issued.row.subject).toBe('CN=Acme Light 0001, matterVendorId=FFF1, matterProductId=8000');
    expect(dac.der.length).toBeLessThanOrEqual(600);
    expect(verifyAttestationChain({ paa, pai, dac: dac.der })).toEqual({ valid: true, problems: [], vendorId: 'FFF1', productId: '8000' });
    const { py, ssl } = externalChecks(paa, pai, dac.der, 'manual');
    expect(py.stderr).toBe('');
    expect(JSON.parse(py.stdout)).toEqual({ ok: true, vid: 'FFF1', pid: '8000' });
    expect(ssl.stdout + ssl.stderr).toContain(': OK');
    expect(ssl.status).toBe(0);
  });

  it('refuses a non-P-256 CSR, a lowercase or 5-digit VID, a PID outside the PAI, and a notBefore outside the PAI, naming the rule; nothing recorded', async () => {
    const before = countRows();
    const p256 = await deviceCsr();
    const base = { ca: 'pai', caKey: paiKey, profile: 'matter-dac' as const, validity: 365, actor: 'lab' };
    await expect(issueFromCsr(ws, { ...base, csr: await deviceCsr('secp384r1'), matter: { vendorId: 'FFF1', productId: '8000' } })).rejects.toThrow(
      /matter\.public-key-p256/,
    );
    await expect(issueFromCsr(ws, { ...base, csr: p256, matter: { vendorId: 'fff1', productId: '8000' } })).rejects.toMatchObject({
      code: 'MATTER_RULE',
      details: { rule: 'matter.vendor-id' },
    });
    await expect(issueFromCsr(ws, { ...base, csr: p256, matter: { vendorId: 'FFF12', productId: '8000' } })).rejects.toMatchObject({
      code: 'MATTER_RULE',
      details: { rule: 'matter.vendor-id' },
    });
    await expect(issueFromCsr(ws, { ...base, csr: p256, matter: { vendorId: 'FFF1', productId: '8001' } })).rejects.toThrow(/\[matter\.pid-matches-issuer\]/);
    await expect(issueFromCsr(ws, { ...base, csr: p256, matter: { vendorId: 'FFF2', productId: '8000' } })).rejects.toThrow(/\[matter\.vid-matches-issuer\]/);
    await expect(
      issueFromCsr(ws, { ...base, csr: p256, matter: { vendorId: 'FFF1', productId: '8000' }, notBefore: new Date(Date.now() - 30 * DAY) }),
    ).rejects.toThrow(/\[matter\.dac-not-before-in-chain\]/);
    expect(countRows()).toBe(before);
  });

  it('refuses a PAI without a VendorID and a PAA with a ProductID', async () => {
    const k = await newSoftwareKey(ws, 'bad-pai-key', 'ecdsa-p256');
    await expect(
      createIntermediateCa(ws, {
        name: 'bad-pai',
        profile: 'matter-pai',
        parent: 'paa',
        parentKey: paaKey,
        subject: parseSubject('CN=No VID PAI'),
        key: new KeyRepository(ws).get(k.label),
        validityDays: 100,
        options: {},
        actor: 'c',
      }),
    ).rejects.toThrow(/\[matter\.vendor-id\]/);
    const k2 = await newSoftwareKey(ws, 'bad-paa-key', 'ecdsa-p256');
    await expect(
      createRootCa(ws, {
        name: 'bad-paa',
        profile: 'matter-paa',
        subject: parseSubject('CN=PAA,matterVendorId=FFF1,matterProductId=8000'),
        key: k2,
        validityDays: 100,
        actor: 'c',
      }),
    ).rejects.toThrow(/\[matter\.product-id\]/);
    const k3 = await newSoftwareKey(ws, 'p384-paa-key', 'ecdsa-p384');
    await expect(
      createRootCa(ws, { name: 'p384-paa', profile: 'matter-paa', subject: parseSubject('CN=PAA'), key: k3, validityDays: 100, actor: 'c' }),
    ).rejects.toThrow(/\[matter\.public-key-p256\]/);
  });

  it('the chain checker names the rule a foreign chain breaks and reads the legacy CN form', async () => {
    const dac = (
      await issueFromCsr(ws, {
        ca: 'pai',
        caKey: paiKey,
        csr: await deviceCsr(),
        profile: 'matter-dac',
        matter: { vendorId: 'FFF1', productId: '8000' },
        validity: 365,
        actor: 'lab',
      })
    ).signed.certificate.der;
    // swapped roles: the DAC is not a CA, the PAI is not an end entity
    const swapped = verifyAttestationChain({ paa, pai: dac, dac: pai });
    expect(swapped.valid).toBe(false);
    expect(swapped.problems.map((p) => p.rule)).toEqual(expect.arrayContaining(['matter.basic-constraints', 'matter.key-usage']));
    // legacy CN: a PAI made elsewhere (openssl) carrying "Mvid:FFF1 Mpid:8000" in its CN is read
    const { legacyPai, legacyDac, legacyPaa } = opensslLegacyChain();
    const legacy = verifyAttestationChain({ paa: legacyPaa, pai: legacyPai, dac: legacyDac });
    expect(legacy).toMatchObject({ valid: true, vendorId: 'FFF1', productId: '8000' });
  });
});

describe("connectedhomeip's attestation test certificates (credentials/test/attestation, credentials/development/commissioner_dut)", () => {
  const read = (f: string) => certificateDer(readFileSync(join(CHIP, f)));
  const findings = (der: Buffer, role: 'paa' | 'pai' | 'dac') => MATTER_CERTIFICATE_RULES.flatMap((r) => r.check(parseCertificate(der), role, 'verify'));
  it('accepts Chip-Test-PAA-FFF1, Chip-Test-PAI-FFF1-8000 and Chip-Test-DAC-FFF1-8000-0000 under every certificate rule', () => {
    expect(findings(read('Chip-Test-PAA-FFF1-Cert.pem'), 'paa')).toEqual([]);
    expect(findings(read('Chip-Test-PAI-FFF1-8000-Cert.pem'), 'pai')).toEqual([]);
    expect(findings(read('Chip-Test-DAC-FFF1-8000-0000-Cert.pem'), 'dac')).toEqual([]);
  });
  it('refuses a DAC checked as a PAI and a PAI checked as a DAC, naming the rule', () => {
    expect(findings(read('Chip-Test-DAC-FFF1-8000-0000-Cert.pem'), 'pai').map((f) => f.rule)).toContain('matter.basic-constraints');
    expect(findings(read('Chip-Test-PAI-FFF1-8000-Cert.pem'), 'dac').map((f) => f.rule)).toEqual(
      expect.arrayContaining(['matter.basic-constraints', 'matter.key-usage']),
    );
  });
  it('refuses the commissioner_dut PAI whose basicConstraints say pathLen 1 (VerifyAttestationCertificateFormat requires 0)', () => {
    const vector = JSON.parse(readFileSync(join(CHIP, 'commissioner_dut-struct_cd_authorized_paa_list_count1_valid.json'), 'utf8')) as {
      pai_cert: string;
      dac_cert: string;
    };
    expect(findings(Buffer.from(vector.pai_cert, 'hex'), 'pai').map((f) => f.rule)).toEqual(['matter.basic-constraints']);
    expect(findings(Buffer.from(vector.dac_cert, 'hex'), 'dac')).toEqual([]);
  });
});

describe('a Matter product through the station state machine', () => {
  const POLICY = `model: LIGHT1
protocol: hallmark
keyAlgorithms: [ecdsa-p256]
serialPattern: 'HM-SIM1-[0-9]{4}'
subject:
  O: Acme Devices GmbH
  CN: '{model}-{serial}'
  serialNumber: false
matter:
  vendorId: FFF1
  productId: '8000'
validity: no-expiration
issuingCa: pai
`;
  const matterBatch = (id: string, range: string) => {
    const policy = parseProductPolicy(POLICY.replace('model: LIGHT1', 'model: SIM1'));
    return createBatch(ws, {
      id,
      policy,
      plan: parseSerialRange(range, policy.policy),
      quantity: 2,
      actor: 'planner',
      certificationDeclaration: makeCertificationDeclaration(tmp.path, { vendorId: 0xfff1, productIds: [0x8000] }, id),
    });
  };
  const labelOptions = () => ({ matterLabelDir: tmp.path });

  it('issues a DAC per device from the on-device CSR, commits it, writes DAC + PAI + PAA', async () => {
    matterBatch('WO-M', 'HM-SIM1-0001..HM-SIM1-0002');
    const ctx = prepareBatch(ws, 'WO-M', paiKey, 'line-1', labelOptions());
    const device = new MatterFakeDevice('HM-SIM1-0001');
    const outcome = await provisionDevice(ctx, device, '/dev/fake0');
    expect(outcome).toMatchObject({ result: 'done', code: null });
    const dac = parseCertificate(device.stored!.deviceCertificate);
    expect(device.stored!.caCertificates).toEqual([pai, paa]);
    expect(verifyAttestationChain({ paa, pai, dac: dac.der })).toMatchObject({ valid: true, vendorId: 'FFF1', productId: '8000' });
    const row = ws.db.prepare('SELECT profile, subject FROM certificates WHERE der = ?').get(dac.der) as { profile: string; subject: string };
    expect(row).toEqual({ profile: 'matter-dac', subject: 'O=Acme Devices GmbH, CN=SIM1-HM-SIM1-0001, matterVendorId=FFF1, matterProductId=8000' });
    const { py, ssl } = externalChecks(paa, pai, dac.der, 'station');
    expect(py.status, py.stderr).toBe(0);
    expect(ssl.status, ssl.stderr).toBe(0);
  });

  it('refuses a P-384 device key with the rule named and records no certificate', async () => {
    matterBatch('WO-M2', 'HM-SIM1-0003..HM-SIM1-0004');
    const before = countRows();
    const outcome = await provisionDevice(
      prepareBatch(ws, 'WO-M2', paiKey, 'line-1', labelOptions()),
      new MatterFakeDevice('HM-SIM1-0003', { curve: 'secp384r1' }),
      '/dev/fake0',
    );
    expect(outcome.result).not.toBe('done');
    expect(countRows()).toBe(before);
  });

  it('refuses policies with a lowercase or 5-digit VID, and a PID outside the PAI, naming the rule', () => {
    expect(() => parseProductPolicy(POLICY.replace('vendorId: FFF1', 'vendorId: fff1'))).toThrow(/matter\.vendor-id/);
    expect(() => parseProductPolicy(POLICY.replace('vendorId: FFF1', 'vendorId: FFF12'))).toThrow(/matter\.vendor-id/);
    const before = (ws.db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number }).n;
    expect(() =>
      makeBatch(ws, 'WO-M3', 'HM-SIM1-0005..HM-SIM1-0006', 2, POLICY.replace('model: LIGHT1', 'model: SIM1').replace("productId: '8000'", "productId: '8001'")),
    ).toThrow(/\[matter\.pid-matches-issuer\]/);
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number }).n).toBe(before);
  });
});

/** A chain written by openssl with the legacy CN form, as pre-1.0 tools wrote it. */
function opensslLegacyChain() {
  const d = tmp.path;
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: d, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  writeFileSync(
    join(d, 'ext.cnf'),
    [
      '[paa]',
      'basicConstraints=critical,CA:TRUE,pathlen:1',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      '[pai]',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid:always',
      '[dac]',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid:always',
      '',
    ].join('\n'),
  );
  for (const n of ['lpaa', 'lpai', 'ldac']) run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${n}.key`]);
  run([
    'req',
    '-new',
    '-x509',
    '-key',
    'lpaa.key',
    '-subj',
    '/CN=Legacy PAA',
    '-days',
    '3650',
    '-sha256',
    '-extensions',
    'paa',
    '-config',
    'ext.cnf',
    '-out',
    'lpaa.pem',
  ]);
  run(['req', '-new', '-key', 'lpai.key', '-subj', '/CN=Legacy PAI Mvid:FFF1 Mpid:8000', '-out', 'lpai.csr', '-config', 'ext.cnf']);
  run([
    'x509',
    '-req',
    '-in',
    'lpai.csr',
    '-CA',
    'lpaa.pem',
    '-CAkey',
    'lpaa.key',
    '-set_serial',
    '2',
    '-days',
    '3000',
    '-sha256',
    '-extfile',
    'ext.cnf',
    '-extensions',
    'pai',
    '-out',
    'lpai.pem',
  ]);
  run(['req', '-new', '-key', 'ldac.key', '-subj', '/CN=Legacy DAC Mvid:FFF1 Mpid:8000', '-out', 'ldac.csr', '-config', 'ext.cnf']);
  run([
    'x509',
    '-req',
    '-in',
    'ldac.csr',
    '-CA',
    'lpai.pem',
    '-CAkey',
    'lpai.key',
    '-set_serial',
    '3',
    '-days',
    '365',
    '-sha256',
    '-extfile',
    'ext.cnf',
    '-extensions',
    'dac',
    '-out',
    'ldac.pem',
  ]);
  const load = (f: string) => certificateDer(readFileSync(join(d, f)));
  return { legacyPaa: load('lpaa.pem'), legacyPai: load('lpai.pem'), legacyDac: load('ldac.pem') };
}
