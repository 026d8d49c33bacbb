import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { cmsDigestFor, signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import { verifyDetachedCms } from '../../main/cms/verify-detached-cms.js';
import type { KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { toPem } from '../support/pem.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-cms-');
let ws: Workspace;

beforeAll(() => {
  ws = Workspace.init(join(tmp.path, 'ws'), 'custodian').workspace;
});

afterAll(() => {
  ws?.close();
  tmp.dispose();
});

function opensslVerify(dir: string, p7s: string, content: string, caFile: string) {
  return spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, p7s),
      '-content',
      join(dir, content),
      '-CAfile',
      join(dir, caFile),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    { encoding: 'utf8' },
  );
}

function certtoolVerify(dir: string, p7s: string, content: string, caFile: string) {
  return spawnSync(
    'certtool',
    ['--p7-verify', '--inder', '--infile', join(dir, p7s), '--load-data', join(dir, content), '--load-ca-certificate', join(dir, caFile)],
    { encoding: 'utf8' },
  );
}

/**
 * OpenSSL up to at least 3.6 cannot verify a CMS with Ed25519 and signed attributes: it
 * hands the SignerInfo's SHA-512 to the EdDSA provider, which refuses any digest
 * (openssl/openssl#11915, #32248). Its own `cms -sign` fails the same way, so this is no
 * sign of a bad structure; GnuTLS's certtool is the independent check for Ed25519 then.
 */
function opensslCannotDoEd25519Cms(stderr: string): boolean {
  return /eddsa_digest_signverify_init:invalid digest/.test(stderr);
}

/** A CA key signs its own transcript, as the ceremony root does; the content is binary on purpose (-binary keeps it byte-exact). */
describe.each<[KeyAlgorithm, string]>([
  ['ecdsa-p256', 'sha256'],
  ['ecdsa-p384', 'sha384'],
  ['rsa-2048', 'sha256'],
  ['ed25519', 'sha512'],
])('a detached CMS by a %s root', (algorithm, digest) => {
  it('is accepted by openssl cms -verify, certtool --p7-verify and our verifier, and refused by all after one content byte changes', async () => {
    const dir = join(tmp.path, algorithm);
    const key = await newSoftwareKey(ws, `${algorithm}-root-key`, algorithm);
    const root = await createRootCa(ws, {
      name: `${algorithm}-root`,
      subject: parseSubject(`O=Acme,CN=Acme ${algorithm} Root`),
      key,
      validityDays: 3650,
      actor: 'custodian',
    });
    const content = Buffer.concat([Buffer.from('{"seq":1}\r\n', 'utf8'), Buffer.from([0, 0xff, 0x0d, 0x0a, 0x1a])]);
    const p7s = await signDetachedCms({ content, signer: key, signerCertificate: root.certificate.der, chain: [], signingTime: new Date() });

    expect(cmsDigestFor(key)).toBe(digest);
    const ours = verifyDetachedCms(p7s, content);
    expect(ours.ok).toBe(true);
    expect(ours.digest).toBe(digest);

    mkdirSync(dir);
    writeFileSync(join(dir, 'ca.pem'), toPem(root.certificate.der));
    writeFileSync(join(dir, 'content.bin'), content);
    writeFileSync(join(dir, 'content.p7s'), p7s);
    const changed = Buffer.from(content);
    changed[3]! ^= 0x01;
    writeFileSync(join(dir, 'changed.bin'), changed);

    const good = opensslVerify(dir, 'content.p7s', 'content.bin', 'ca.pem');
    const bad = opensslVerify(dir, 'content.p7s', 'changed.bin', 'ca.pem');
    if (algorithm === 'ed25519' && opensslCannotDoEd25519Cms(good.stderr)) {
      expect(good.status).not.toBe(0);
    } else {
      expect(good.stderr).toContain('Verification successful');
      expect(good.status).toBe(0);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/verification failure|digest failure/i);
    }

    const gnutls = certtoolVerify(dir, 'content.p7s', 'content.bin', 'ca.pem');
    expect(gnutls.stdout + gnutls.stderr).toContain('Signature status: ok');
    expect(gnutls.status).toBe(0);
    expect(certtoolVerify(dir, 'content.p7s', 'changed.bin', 'ca.pem').status).not.toBe(0);
    const oursBad = verifyDetachedCms(p7s, changed);
    expect(oursBad.ok).toBe(false);
    if (!oursBad.ok) expect(oursBad.problem).toContain('messageDigest does not match');
  }, 60_000);
});

describe('a detached CMS by a P-256 intermediate under an Ed25519 root', () => {
  it('carries the chain openssl needs to reach the root', async () => {
    const dir = join(tmp.path, 'chain');
    const rootKey = await newSoftwareKey(ws, 'chain-root-key', 'ed25519');
    const root = await createRootCa(ws, {
      name: 'chain-root',
      subject: parseSubject('O=Acme,CN=Acme Chain Root'),
      key: rootKey,
      validityDays: 3650,
      actor: 'custodian',
    });
    const subKey = await newSoftwareKey(ws, 'chain-sub-key', 'ecdsa-p256');
    const sub = await createIntermediateCa(ws, {
      name: 'chain-sub',
      subject: parseSubject('O=Acme,CN=Acme Chain Sub'),
      key: new KeyRepository(ws).get('chain-sub-key'),
      parent: 'chain-root',
      parentKey: rootKey,
      options: {},
      validityDays: 1000,
      actor: 'custodian',
    });
    const content = Buffer.from('line one\nline two\n');
    const p7s = await signDetachedCms({
      content,
      signer: subKey,
      signerCertificate: sub.certificate.der,
      chain: [root.certificate.der],
      signingTime: new Date(),
    });
    const ours = verifyDetachedCms(p7s, content);
    expect(ours.ok && ours.certificates.length).toBe(2);

    mkdirSync(dir);
    writeFileSync(join(dir, 'ca.pem'), toPem(root.certificate.der));
    writeFileSync(join(dir, 'content.txt'), content);
    writeFileSync(join(dir, 'content.p7s'), p7s);
    const good = opensslVerify(dir, 'content.p7s', 'content.txt', 'ca.pem');
    expect(good.stderr).toContain('Verification successful');
    expect(good.status).toBe(0);
  }, 60_000);
});
