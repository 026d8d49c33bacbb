import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';
import { allowNetwork, ceremonyExample, fileWriter, fileSha256 } from '../support/ceremony-files.js';
import { assertMediumVerifies, readTranscript } from '../support/transcript.js';

/**
 * The shipped key-restore example end to end through the CLI: a root made with custodian
 * shares (root-shares.yaml), restored onto a SoftHSM token by two of the three custodians
 * (key-restore.yaml, its binding pointed at the test token and the shares just made),
 * then a CRL ceremony for that root signed on the token without any custodian's share.
 */
const tmp = tempDir('hallmark-key-restore-cli-');
const home = join(tmp.path, 'ws');
let hsm: SoftHsm;
const file = fileWriter(tmp.path);
const example = ceremonyExample;
const relax = allowNetwork;
const env = {
  HALLMARK_PASSPHRASE_BOB: 'bob-passphrase-7a1c',
  HALLMARK_PASSPHRASE_CAROL: 'carol-passphrase-2d9e',
  HALLMARK_PASSPHRASE_ERIN: 'erin-passphrase-5f3b',
  HALLMARK_CEREMONY_PIN: '552211',
};
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args], env);
const run = async (script: string, binding: string, out: string, acks: string) => {
  const h = await cli('--json', 'ceremony', 'hash', script);
  expect(h.code, h.stderr).toBe(0);
  return cli(
    'ceremony',
    'run',
    script,
    '--binding',
    binding,
    '--approved-binding-hash',
    fileSha256(binding),
    '--approved-hash',
    (JSON.parse(h.stdout) as { sha256: string }).sha256,
    '--out',
    out,
    '--ack-file',
    acks,
  );
};
const acks = (name: string) => join(REPO_ROOT, 'resources/ceremonies', name);

describe.skipIf(!softHsmAvailable())('key-restore ceremony (CLI)', () => {
  beforeAll(async () => {
    hsm = createSoftHsm([{ label: 'restored-root', pin: '552211' }]);
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
  });
  afterAll(() => {
    hsm?.dispose();
    if (!process.env.KEEP) tmp.dispose();
  });

  it('restores a shares root onto a token; the root then signs a CRL on the token', async () => {
    const rootOut = join(tmp.path, 'out-root');
    const root = await run(
      file('root-shares.yaml', relax(example('root-shares.yaml'))),
      join(REPO_ROOT, 'resources/ceremonies/root-shares.binding.yaml'),
      rootOut,
      acks('rehearsal-shares.acks'),
    );
    expect(root.code, root.stderr).toBe(0);
    const rootPem = join(rootOut, 'acme-root-shares-2026.pem');

    const binding = file(
      'key-restore.binding.yaml',
      example('key-restore.binding.yaml')
        .replace('/usr/lib/softhsm/libsofthsm2.so', hsm.modulePath)
        .replace('"0123456789abcdef"', `"${hsm.tokens[0]!.serial}"`)
        .replaceAll('share: acme-root-shares-2026-key', `share: ${rootOut}/acme-root-shares-2026-key`),
    );
    const out = join(tmp.path, 'out-restore');
    const restored = await run(file('key-restore.yaml', relax(example('key-restore.yaml'))), binding, out, acks('rehearsal-key-restore.acks'));
    expect(restored.code, restored.stderr).toBe(0);
    const t = readTranscript(out);
    expect(t.of('preflight')[0]!.preflight).toMatchObject({ token: { serial: hsm.tokens[0]!.serial, label: 'restored-root' } });
    expect(t.of('action').find((a) => a.action === 'restore-to-token')!.result).toMatchObject({
      label: 'acme-root-shares-2026-token',
      CKA_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
      restoredFrom: 'acme-root-shares-2026-key',
    });
    // The transcript is signed by the root, through its key now on the token.
    expect(t.of('completed')[0]!.signedBy).toMatchObject({ key: 'acme-root-shares-2026-token' });
    assertMediumVerifies(out, rootPem);
    expect(readFileSync(join(out, 'transcript.jsonl'), 'utf8')).not.toContain(env.HALLMARK_PASSPHRASE_BOB);

    const db = new Database(join(home, 'hallmark.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT key_label FROM cas WHERE name = 'acme-root-shares-2026'").get()).toEqual({ key_label: 'acme-root-shares-2026-token' });
    } finally {
      db.close();
    }

    // A CRL for the root, with only the token binding: no custodian, no share.
    const crl = relax(example('crl.yaml')).replaceAll('acme-root-2026', 'acme-root-shares-2026');
    const tokenBinding = file(
      'token.binding.yaml',
      `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    env: HALLMARK_CEREMONY_PIN\n`,
    );
    const crlOut = join(tmp.path, 'out-crl');
    const signed = await run(file('crl.yaml', crl), tokenBinding, crlOut, acks('rehearsal.acks'));
    expect(signed.code, signed.stderr).toBe(0);
    expect(
      execFileSync('openssl', ['crl', '-in', join(crlOut, 'acme-root-shares-2026-crl-1.pem'), '-CAfile', rootPem, '-noout', '-verify'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toBe('');
    assertMediumVerifies(crlOut, rootPem);
    expect((await cli('audit', 'verify')).code).toBe(0);
  });
});
