import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** A root key split 2-of-3 among custodians, used through the CLI as a ceremony would. */
const tmp = tempDir('hallmark-shares-cli-');
const home = join(tmp.path, 'ws');
const sharesDir = join(tmp.path, 'shares');
const pass = (name: string, text: string) => {
  const p = join(tmp.path, `${name}.pass`);
  writeFileSync(p, `${text}\n`);
  return p;
};
let files: string[] = [];
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args]);

beforeAll(async () => {
  expect((await cli('init')).code).toBe(0);
  pass('alice', 'alice custodian phrase one');
  pass('bob', 'bob custodian phrase two!');
  pass('carol', 'carol custodian phrase 3');
});
afterAll(() => tmp.dispose());

describe('M-of-N shares through the CLI', () => {
  it('splits a new root key 2-of-3 and writes a share file and a printable sheet per custodian', async () => {
    const r = await cli(
      '--json',
      'key',
      'generate',
      '--label',
      'root-2026',
      '--alg',
      'ecdsa-p384',
      '--store',
      'shares',
      '--threshold',
      '2',
      '--custodian',
      'alice',
      '--custodian-passphrase-file',
      join(tmp.path, 'alice.pass'),
      '--custodian',
      'bob',
      '--custodian-passphrase-file',
      join(tmp.path, 'bob.pass'),
      '--custodian',
      'carol',
      '--custodian-passphrase-file',
      join(tmp.path, 'carol.pass'),
      '--out',
      sharesDir,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { store: string; location: { threshold: number; total: number }; files: string[] };
    expect(out).toMatchObject({ store: 'shares', location: { threshold: 2, total: 3 } });
    files = out.files.filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(3);
    expect(out.files.filter((f) => f.endsWith('.html'))).toHaveLength(3);
    for (const f of out.files) expect(existsSync(f)).toBe(true);
    // No private key in the clear anywhere.
    for (const f of out.files) expect(readFileSync(f, 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  it('creates the root CA with any two custodians present', async () => {
    const r = await cli(
      'ca',
      'create',
      '--name',
      'root',
      '--profile',
      'root',
      '--key',
      'root-2026',
      '--subject',
      'C=DE,O=Acme,CN=Acme Root 2026',
      '--days',
      '7300',
      '--share',
      files[0]!,
      '--share-passphrase-file',
      join(tmp.path, 'alice.pass'),
      '--share',
      files[2]!,
      '--share-passphrase-file',
      join(tmp.path, 'carol.pass'),
    );
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(join(tmp.path, 'root.pem'), r.stdout);
    const v = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', join(tmp.path, 'root.pem'), join(tmp.path, 'root.pem')], { encoding: 'utf8' });
    expect(v.stdout).toContain(': OK');
  });

  it('refuses one share, and names a wrong passphrase', async () => {
    const one = await cli('crl', 'issue', '--ca', 'root', '--share', files[1]!, '--share-passphrase-file', join(tmp.path, 'bob.pass'));
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/^error: SHARES_TOO_FEW: .*1 more/);
    const wrong = await cli(
      'crl',
      'issue',
      '--ca',
      'root',
      '--share',
      files[0]!,
      '--share-passphrase-file',
      join(tmp.path, 'alice.pass'),
      '--share',
      files[1]!,
      '--share-passphrase-file',
      join(tmp.path, 'carol.pass'),
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: SHARE_PASSPHRASE_WRONG: .*bob/);
  });

  it('signs a CRL with two other custodians', async () => {
    const r = await cli(
      'crl',
      'issue',
      '--ca',
      'root',
      '--share',
      files[1]!,
      '--share-passphrase-file',
      join(tmp.path, 'bob.pass'),
      '--share',
      files[0]!,
      '--share-passphrase-file',
      join(tmp.path, 'alice.pass'),
      '--out',
      join(tmp.path, 'root.crl'),
    );
    expect(r.code, r.stderr).toBe(0);
    const v = spawnSync('openssl', ['crl', '-in', join(tmp.path, 'root.crl'), '-CAfile', join(tmp.path, 'root.pem'), '-noout', '-verify'], {
      encoding: 'utf8',
    });
    expect(v.stdout + v.stderr).toMatch(/verify OK/);
  });
});
