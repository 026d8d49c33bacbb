import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/store/workspace.js';
import { closedBatch, exportTo, manifestWorkspace } from '../support/manifest-fixture.js';
import { toPem } from '../support/pem.js';
import { runCli } from '../support/run-cli.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-field-revocation-cli-');
const factory = join(tmp.path, 'factory', 'ws');
const inventory = join(tmp.path, 'inventory');
const usb = join(tmp.path, 'usb', 'WO-F1');
const pass = join(tmp.path, 'pass');
const mfgPem = join(tmp.path, 'mfg.pem');
let rootPem: string;
const at =
  (home: string) =>
  (...args: string[]) =>
    runCli(['--home', home, '--actor', 'clerk', ...args]);
const inv = at(inventory);
const fac = at(factory);

beforeAll(async () => {
  const m = await manifestWorkspace(join(tmp.path, 'factory'));
  await closedBatch(m, 'WO-F1');
  await exportTo(m, 'WO-F1', usb);
  writeFileSync(mfgPem, toPem(m.caChain[0]!));
  m.ws.close();
  rootPem = m.rootPem;
  writeFileSync(pass, TEST_PASSPHRASE, { mode: 0o600 });
  Workspace.init(inventory, 'custodian').workspace.close();
}, 60_000);

afterAll(() => tmp.dispose());

describe('hallmark field revocation (CLI)', () => {
  it('inventory key → revoke-request from a CSV → crl issue --requests → import-crl; an altered request refused', async () => {
    expect((await inv('inventory', 'import', usb, '--trust', rootPem)).code).toBe(0);
    expect((await inv('key', 'generate', '--label', 'inventory-key', '--alg', 'ecdsa-p256', '--passphrase-file', pass)).code).toBe(0);
    const cert = join(tmp.path, 'inventory-cert.pem');
    const created = await inv('inventory', 'key', 'create', '--key', 'inventory-key', '--out', cert, '--passphrase-file', pass);
    expect(created.stderr).toBe('');
    expect(readFileSync(cert, 'utf8')).toMatch(/BEGIN CERTIFICATE/);

    const csv = join(tmp.path, 'devices.csv');
    writeFileSync(csv, 'serial\nHM-SIM1-0001\nHM-SIM1-0003\n');
    const req = join(tmp.path, 'request');
    const requested = await inv('inventory', 'revoke-request', '--csv', csv, '--reason', 'keyCompromise', '--out', req, '--passphrase-file', pass);
    expect(requested.stderr).toBe('');
    expect(requested.stdout).toMatch(/2 certificate\(s\), reason keyCompromise/);

    const altered = join(tmp.path, 'altered');
    cpSync(req, altered, { recursive: true });
    writeFileSync(join(altered, 'revocation-request.json'), readFileSync(join(req, 'revocation-request.json'), 'utf8').replace('HM-SIM1-0003', 'HM-SIM1-0002'));
    const refused = await fac(
      'crl',
      'issue',
      '--ca',
      'mfg',
      '--requests',
      join(altered, 'revocation-request.json'),
      '--requests-trust',
      cert,
      '--passphrase-file',
      pass,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/REVOCATION_REQUEST_SIGNATURE_INVALID/);

    const crl = join(tmp.path, 'mfg.crl.pem');
    const issued = await fac(
      'crl',
      'issue',
      '--ca',
      'mfg',
      '--requests',
      join(req, 'revocation-request.json'),
      '--requests-trust',
      cert,
      '--passphrase-file',
      pass,
      '--out',
      crl,
    );
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stderr).toMatch(/2 certificate\(s\) of CA "mfg" — 2 keyCompromise/);
    expect(issued.stderr).toMatch(/HM-SIM1-0001/);

    const imported = await inv('inventory', 'import-crl', crl, '--trust', rootPem, '--issuer', mfgPem);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/2 device certificate\(s\) revoked, 1 already revoked or superseded.*2 request entr\(ies\) covered, 0 still pending/);
    const listed = await inv('--json', 'inventory', 'search', '--status', 'revoked');
    expect((JSON.parse(listed.stdout) as { hardwareSerial: string; revocationReason: string }[]).map((r) => [r.hardwareSerial, r.revocationReason])).toEqual([
      ['HM-SIM1-0001', 'keyCompromise'],
      ['HM-SIM1-0003', 'keyCompromise'],
    ]);
  }, 60_000);
});
