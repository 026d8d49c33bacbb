import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslCsr, opensslKey } from '../support/csr-fixtures.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('hallmark csr inspect', () => {
  const dir = tempDir('hallmark-csr-cli-');
  // A home that must never be created: inspecting a CSR needs no workspace.
  const home = join(dir.path, 'no-workspace-here');
  let good: { pem: string; der: Buffer; path: string };
  let spkiSha256: string;

  beforeAll(() => {
    const keyPath = opensslKey(dir.path, 'p256');
    good = opensslCsr(dir.path, {
      keyPath,
      subject: '/C=DE/O=Acme/CN=dev-0042',
      addext: ['subjectAltName=DNS:dev-0042.example', 'keyUsage=critical,digitalSignature'],
      challengePassword: 'nonce-77',
    });
    const spki = execFileSync('openssl', ['pkey', '-in', keyPath, '-pubout', '-outform', 'DER']);
    spkiSha256 = createHash('sha256').update(spki).digest('hex');
  });
  afterAll(() => dir.dispose());

  it('prints subject, key, spki hash, challengePassword, attributes and extensions', async () => {
    const r = await runCli(['csr', 'inspect', good.path], { HALLMARK_HOME: home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('subject      CN=dev-0042,O=Acme,C=DE\n');
    expect(r.stdout).toContain('key          EC P-256 (ecdsa-p256)\n');
    expect(r.stdout).toContain(`spki sha256  ${spkiSha256}\n`);
    expect(r.stdout).toContain('signature    ecdsa-with-SHA256 (1.2.840.10045.4.3.2), verified\n');
    expect(r.stdout).toContain('challenge    "nonce-77"\n');
    expect(r.stdout).toContain('challengePassword (1.2.840.113549.1.9.7), extensionRequest (1.2.840.113549.1.9.14)');
    expect(r.stdout).toContain('subjectAltName (2.5.29.17): ');
    expect(r.stdout).toContain('keyUsage (2.5.29.15) critical: 03020780');
    expect(existsSync(home)).toBe(false);
  });

  it('prints JSON with --json, from DER as well as PEM', async () => {
    const derPath = join(dir.path, 'good.der');
    writeFileSync(derPath, good.der);
    for (const args of [
      ['csr', 'inspect', derPath, '--json'],
      ['--json', 'csr', 'inspect', good.path],
    ]) {
      const r = await runCli(args, { HALLMARK_HOME: home });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { requestedExtensions: unknown[]; attributes: { name: string }[] };
      expect(out).toMatchObject({
        subject: 'CN=dev-0042,O=Acme,C=DE',
        publicKey: { family: 'ec', algorithm: 'ecdsa-p256', curve: 'P-256', spkiSha256 },
        challengePassword: 'nonce-77',
        signatureAlgorithm: { oid: '1.2.840.10045.4.3.2', name: 'ecdsa-with-SHA256' },
      });
      expect(out.requestedExtensions).toEqual([
        expect.objectContaining({ oid: '2.5.29.17', name: 'subjectAltName', critical: false }),
        { oid: '2.5.29.15', name: 'keyUsage', critical: true, value: '03020780' },
      ]);
      expect(out.attributes.map((a) => a.name)).toEqual(['challengePassword', 'extensionRequest']);
    }
  });

  it('refuses a certificate with exit 2 and one error line', async () => {
    const cert = opensslCsr(dir.path, { keyPath: opensslKey(dir.path, 'p256', 'cert-key'), x509: true });
    const r = await runCli(['csr', 'inspect', cert.path], { HALLMARK_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: CSR_NOT_A_CSR: [^\n]*certificate[^\n]*\n$/);
  });

  it('refuses a CSR whose signature does not verify', async () => {
    const bad = Buffer.from(good.der);
    bad[bad.indexOf(Buffer.from('dev-0042')) + 7] = 0x33;
    const path = join(dir.path, 'tampered.der');
    writeFileSync(path, bad);
    const r = await runCli(['csr', 'inspect', path], { HALLMARK_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: CSR_SIGNATURE_INVALID: [^\n]+\n$/);
  });

  it('refuses a 17 KiB file, and /dev/zero, without reading them', async () => {
    const big = join(dir.path, 'big.pem');
    writeFileSync(big, good.pem + ' '.repeat(17 * 1024));
    const r = await runCli(['csr', 'inspect', big], { HALLMARK_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: CSR_TOO_LARGE: [^\n]+\n$/);
    // endless input: not a regular file, refused before it is opened
    const zero = await runCli(['csr', 'inspect', '/dev/zero'], { HALLMARK_HOME: home });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/^error: FILE_NOT_REGULAR: .*\/dev\/zero/);
  });

  it('reports a missing file', async () => {
    const r = await runCli(['csr', 'inspect', join(dir.path, 'nope.csr')], { HALLMARK_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: FILE_UNREADABLE: .*ENOENT[^\n]*\n$/);
  });
});
