import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { closedBatch } from '../support/manifest-fixture.js';
import { newSoftwareKey, TEST_PASSPHRASE } from '../support/software-keys.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { toPem } from '../support/pem.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-manifest-cli-');
const home = join(tmp.path, 'ws');
const pass = join(tmp.path, 'pass');
const rootPem = join(tmp.path, 'root.pem');
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'qa', ...args]);

beforeAll(async () => {
  // A closed work order made by the station core; the signer is then made through the CLI.
  const { ws, caKey, caChain } = await stationWorkspace(home);
  const signerKey = await newSoftwareKey(ws, 'signer-key', 'ecdsa-p256');
  await closedBatch({ ws, caKey, signerKey, caChain, rootPem }, 'WO-CLI');
  ws.close();
  writeFileSync(pass, `${TEST_PASSPHRASE}\n`);
  writeFileSync(rootPem, toPem(caChain[1]!));
}, 60_000);

afterAll(() => tmp.dispose());

describe('hallmark manifest (CLI)', () => {
  it('signer create → export every format → verify, exit codes and never-overwrite', async () => {
    expect((await cli('manifest', 'export', '--batch', 'WO-CLI', '--out', join(tmp.path, 'x'), '--passphrase-file', pass)).stderr).toMatch(
      /MANIFEST_SIGNER_MISSING/,
    );
    const created = await cli(
      'manifest',
      'signer',
      'create',
      '--ca',
      'mfg',
      '--key',
      'signer-key',
      '--passphrase-file',
      pass,
      '--signer-passphrase-file',
      pass,
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/manifest signer #1: CN=Hallmark manifest signer/);
    const out = join(tmp.path, 'out');
    const exported = await cli(
      'manifest',
      'export',
      '--batch',
      'WO-CLI',
      '--out',
      out,
      '--format',
      'manifest,microchip',
      '--format',
      'nrfcloud,jsonl,revocations',
      '--passphrase-file',
      pass,
    );
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^manifest 1 of work order WO-CLI \(7 entries/);
    expect(readdirSync(out).sort()).toEqual([
      'devices.jsonl',
      'devices.microchip.json',
      'manifest.json',
      'manifest.json.p7s',
      'nrfcloud-onboarding-001.csv',
      'revocations.json',
    ]);
    const again = await cli('manifest', 'export', '--batch', 'WO-CLI', '--out', out, '--passphrase-file', pass);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/MANIFEST_OUTPUT_EXISTS/);
    const verified = await cli('manifest', 'verify', out, '--trust', rootPem);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/RESULT: PASS/);
    const json = readFileSync(join(out, 'manifest.json'), 'utf8');
    expect(json.split('\n')[0]).toBe('{');
    const audit = await cli('--json', 'audit', 'list', '--action', 'manifest.exported');
    expect(audit.code === 0 ? audit.stdout : 'manifest.exported').toMatch(/manifest\.exported/);
  });
});
