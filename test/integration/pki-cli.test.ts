import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslCsr } from '../support/device-csr.js';
import { runCli } from '../support/run-cli.js';
import { createSoftHsm, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

/** The lab flow a PKI engineer runs from the shell: HSM root, software intermediate, device IDevID, CRL. */
const tmp = tempDir('hallmark-pki-cli-');
let hsm: SoftHsm;
const home = join(tmp.path, 'ws');
const file = (name: string, content?: string) => {
  const p = join(tmp.path, name);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};
let hsmArgs: string[];

beforeAll(async () => {
  hsm = createSoftHsm([{ label: 'root-token', pin: '482916' }]);
  hsmArgs = ['--pkcs11-module', hsm.modulePath, '--token-serial', hsm.tokens[0]!.serial, '--pin-file', file('pin', '482916\n')];
  file('mfg-pass', 'mfg key passphrase 2026\n');
  expect((await runCli(['--home', home, 'init'])).code).toBe(0);
});
afterAll(() => {
  hsm?.dispose();
  tmp.dispose();
});

const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'pki-engineer', ...args]);

describe('hallmark key / ca / cert / crl / lint', () => {
  let leafSerial = '';

  it('generates the root key on the HSM and creates the root CA with it', async () => {
    const gen = await cli('--json', 'key', 'generate', '--label', 'root-key', '--alg', 'ecdsa-p384', '--store', 'pkcs11', ...hsmArgs);
    expect(gen.code, gen.stderr).toBe(0);
    expect(JSON.parse(gen.stdout)).toMatchObject({ label: 'root-key', store: 'pkcs11', location: { sensitive: true, extractable: false } });
    const root = await cli(
      'ca',
      'create',
      '--name',
      'acme-root',
      '--profile',
      'root',
      '--key',
      'root-key',
      '--subject',
      'C=DE,O=Acme Devices GmbH,CN=Acme Device Root CA',
      '--days',
      '7300',
      ...hsmArgs,
    );
    expect(root.code, root.stderr).toBe(0);
    expect(root.stdout).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const text = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], { input: root.stdout, encoding: 'utf8' });
    expect(text.trim()).toBe('subject=CN=Acme Device Root CA,O=Acme Devices GmbH,C=DE');
  });

  it('refuses a wrong PIN and a reused label without creating anything', async () => {
    const wrongPin = await cli(
      'ca',
      'create',
      '--name',
      'other-root',
      '--profile',
      'root',
      '--key',
      'root-key',
      '--subject',
      'CN=x',
      ...hsmArgs.slice(0, 4),
      '--pin-file',
      file('bad-pin', '000000'),
    );
    expect(wrongPin.code).toBe(2);
    expect(wrongPin.stderr).toMatch(/^error: PKCS11_PIN_WRONG: /);
    const again = await cli('key', 'generate', '--label', 'root-key', '--store', 'pkcs11', ...hsmArgs);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: KEY_LABEL_EXISTS: /);
    const cas = JSON.parse((await cli('--json', 'ca', 'list')).stdout) as unknown[];
    expect(cas).toHaveLength(1);
  });

  it('guards root validity at 25 years unless a lint is skipped with a written reason', async () => {
    const gen = await cli('key', 'generate', '--label', 'lab-root-key', '--alg', 'ecdsa-p256', '--passphrase-file', file('mfg-pass'));
    expect(gen.code, gen.stderr).toBe(0);
    const tooLong = await cli(
      'ca',
      'create',
      '--name',
      'lab-root',
      '--profile',
      'root',
      '--key',
      'lab-root-key',
      '--subject',
      'CN=Lab Root',
      '--days',
      String(30 * 365),
      '--passphrase-file',
      file('mfg-pass'),
    );
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/^error: LINT_FAILED: .*\[validity\.maximum\]/);
    const skipped = await cli(
      'ca',
      'create',
      '--name',
      'lab-root',
      '--profile',
      'root',
      '--key',
      'lab-root-key',
      '--subject',
      'CN=Lab Root',
      '--days',
      String(30 * 365),
      '--passphrase-file',
      file('mfg-pass'),
      '--skip-lint',
      'validity.maximum=lab root for a 30-year product line, approved by QA-17',
    );
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/lint skipped: validity\.maximum — lab root/);
    const audit = JSON.parse((await cli('--json', 'audit', 'list', '--action', 'certificate.issued')).stdout) as { details: { lintsSkipped: unknown[] } }[];
    expect(audit.at(-1)!.details.lintsSkipped).toEqual([{ rule: 'validity.maximum', reason: 'lab root for a 30-year product line, approved by QA-17' }]);
  });

  it('creates the manufacturing intermediate, signed on the HSM', async () => {
    expect((await cli('key', 'generate', '--label', 'mfg-key', '--alg', 'ecdsa-p256', '--passphrase-file', file('mfg-pass'))).code).toBe(0);
    const mfg = await cli(
      'ca',
      'create',
      '--name',
      'acme-mfg',
      '--profile',
      'intermediate',
      '--parent',
      'acme-root',
      '--key',
      'mfg-key',
      '--subject',
      'C=DE,O=Acme Devices GmbH,CN=Acme Manufacturing CA 1',
      '--days',
      '1825',
      '--path-len',
      '0',
      ...hsmArgs,
    );
    expect(mfg.code, mfg.stderr).toBe(0);
    const chain = await cli('ca', 'export', 'acme-mfg', '--out', file('mfg-chain.pem'));
    expect(chain.code).toBe(0);
    const exists = await cli('ca', 'export', 'acme-mfg', '--out', file('mfg-chain.pem'));
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/already exists/);
  });

  it('issues an IDevID for a device CSR and the chain verifies with openssl', async () => {
    const device = opensslCsr(tmp.path, 'widget-77', 'ecdsa-p256', '/CN=whatever the device asked for');
    const inspect = await cli('csr', 'inspect', device.csrPath);
    expect(inspect.code, inspect.stderr).toBe(0);
    const issued = await cli(
      '--json',
      'cert',
      'issue',
      '--ca',
      'acme-mfg',
      '--csr',
      device.csrPath,
      '--profile',
      'idevid',
      '--subject',
      'O=Acme Devices GmbH,CN=widget-W77,serialNumber=W77',
      '--hw-serial',
      'W77',
      '--never-expires',
      '--masa-url',
      'masa.acme.example',
      '--passphrase-file',
      file('mfg-pass'),
    );
    expect(issued.code, issued.stderr).toBe(0);
    const out = JSON.parse(issued.stdout) as { serial: string; pem: string; warnings: { rule: string }[] };
    leafSerial = out.serial;
    expect(out.warnings.map((w) => w.rule)).toEqual(['validity.within-issuer']);
    writeFileSync(file('leaf.pem'), out.pem);
    const verify = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', file('mfg-chain.pem'), file('leaf.pem')], { encoding: 'utf8' });
    expect(verify.stdout).toContain(': OK');
    // The same HSM-rooted chain through GnuTLS and python3-cryptography.
    execFileSync('sh', [
      '-c',
      `openssl x509 -in ${file('mfg-chain.pem')} > ${file('mfg-only.pem')}; cat ${file('leaf.pem')} ${file('mfg-chain.pem')} > ${file('full-chain.pem')}`,
    ]);
    const rootPem = file('root-only.pem', (await cli('ca', 'export', 'acme-root')).stdout);
    const gnutls = spawnSync('certtool', ['--verify', '--load-ca-certificate', rootPem, '--infile', file('full-chain.pem')], { encoding: 'utf8' });
    expect(gnutls.stdout + gnutls.stderr).toMatch(/Chain verification output: Verified/);
    const py = spawnSync(
      '/usr/bin/python3',
      [
        join(import.meta.dirname, '../support/check_chain.py'),
        rootPem,
        file('mfg-only.pem'),
        file('leaf.pem'),
        '--idevid',
        '2.23.133.1.2',
        Buffer.from('W77').toString('hex'),
        'W77',
        '--no-expiry',
      ],
      { encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    const info = JSON.parse((await cli('--json', 'cert', 'inspect', file('leaf.pem'))).stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      subject: 'O=Acme Devices GmbH, CN=widget-W77, serialNumber=W77',
      notAfter: '9999-12-31T23:59:59.000Z',
      masaUrl: 'masa.acme.example',
    });
    // A chain file is not one issuer certificate: refused with a reason, not guessed at.
    const lint = await cli('lint', file('leaf.pem'), '--issuer', file('mfg-chain.pem'));
    expect(lint.code).toBe(2);
    expect(lint.stderr).toMatch(/^error: CERTIFICATE_INVALID: expected one CERTIFICATE block, found 2/);
  });

  it('lints a certificate file against its issuer', async () => {
    const lint = await cli('lint', file('leaf.pem'), '--issuer', file('mfg-only.pem'));
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toMatch(/warning: \[validity\.within-issuer\]/);
  });

  it('revokes the device certificate in a CRL that openssl accepts', async () => {
    const crl = await cli(
      'crl',
      'issue',
      '--ca',
      'acme-mfg',
      '--revoke',
      `${leafSerial}:keyCompromise`,
      '--passphrase-file',
      file('mfg-pass'),
      '--out',
      file('mfg.crl.pem'),
    );
    expect(crl.code, crl.stderr).toBe(0);
    const check = spawnSync('openssl', ['crl', '-in', file('mfg.crl.pem'), '-CAfile', file('mfg-only.pem'), '-noout', '-verify'], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toMatch(/verify OK/);
    const again = await cli('crl', 'issue', '--ca', 'acme-mfg', '--revoke', `${leafSerial}:keyCompromise`, '--passphrase-file', file('mfg-pass'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: ALREADY_REVOKED: /);
  });

  it('makes CSRs that openssl accepts and that our own parser accepts', async () => {
    const r = await cli(
      'csr',
      'create',
      '--key',
      'mfg-key',
      '--subject',
      'C=DE,O=Acme Devices GmbH,CN=Acme Online CA',
      '--passphrase-file',
      file('mfg-pass'),
      '--out',
      file('online.csr'),
    );
    expect(r.code, r.stderr).toBe(0);
    const v = spawnSync('openssl', ['req', '-in', file('online.csr'), '-noout', '-verify', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
    expect(v.stdout + v.stderr).toMatch(/verify OK/i);
    expect(v.stdout).toMatch(/subject=CN=Acme Online CA,O=Acme Devices GmbH,C=DE/);
    const inspect = await cli('--json', 'csr', 'inspect', file('online.csr'));
    expect(inspect.code, inspect.stderr).toBe(0);
    const mfgKey = JSON.parse((await cli('--json', 'key', 'export-public', 'mfg-key')).stdout) as { spkiSha256: string };
    expect(JSON.parse(inspect.stdout)).toMatchObject({ publicKey: { spkiSha256: mfgKey.spkiSha256 } });
  });

  it('keeps every step in the audit log, and the chain holds', async () => {
    const actions = (JSON.parse((await cli('--json', 'audit', 'list')).stdout) as { action: string }[]).map((e) => e.action);
    for (const a of ['key.generated', 'ca.created', 'certificate.issued', 'certificate.revoked', 'crl.issued', 'csr.created']) expect(actions).toContain(a);
    expect((await cli('audit', 'verify')).code).toBe(0);
    const keys = JSON.parse((await cli('--json', 'key', 'list')).stdout) as { label: string; store: string }[];
    expect(keys.map((k) => [k.label, k.store])).toEqual([
      ['root-key', 'pkcs11'],
      ['lab-root-key', 'software'],
      ['mfg-key', 'software'],
    ]);
    // Nothing but encrypted key files in the workspace.
    for (const f of readdirSync(join(home, 'keys'))) expect(f).toMatch(/\.p8\.pem$|^shares$/);
  });
});
