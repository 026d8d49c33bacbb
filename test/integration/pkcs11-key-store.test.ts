import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../main/keys/ecdsa-signature.js';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import { KeyError, type KeyErrorCode } from '../../main/keys/key-errors.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import type { SigningKey } from '../../main/keys/signing-key.js';
import { generatePkcs11Key, listPkcs11Tokens, openPkcs11Key, type Pkcs11Binding } from '../../main/keys/pkcs11/pkcs11-key-store.js';
import { planKeyGeneration, planSigning } from '../../main/keys/pkcs11/pkcs11-mechanisms.js';
import { CKO, findObjects, readBooleans } from '../../main/keys/pkcs11/pkcs11-objects.js';
import { Pkcs11TokenSession } from '../../main/keys/pkcs11/pkcs11-token-session.js';
import { PKCS11_MODULES_ENV } from '../../main/keys/pkcs11/pkcs11-module-policy.js';
import { createSoftHsm, type SoftHsm, type SoftHsmToken } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

// One SoftHSM configuration for this whole file: see test/support/softhsm.ts.
let hsm: SoftHsm;
let tokA: SoftHsmToken;
let tokB: SoftHsmToken;
let work: { path: string; dispose(): void };
const opened: SigningKey[] = [];

beforeAll(() => {
  hsm = createSoftHsm([{ label: 'hallmark-a' }, { label: 'hallmark-b', pin: 'b-pin-0000' }, { label: 'twin' }, { label: 'twin' }]);
  [tokA, tokB] = hsm.tokens as [SoftHsmToken, SoftHsmToken];
  work = tempDir('hallmark-pkcs11-test-');
});

afterAll(() => {
  for (const k of opened) k.close();
  hsm?.dispose();
  work?.dispose();
});

function bindingFor(t: SoftHsmToken, extra: Partial<Pkcs11Binding> = {}): Pkcs11Binding {
  return { modulePath: hsm.modulePath, tokenSerial: t.serial, pin: t.pin, ...extra };
}

async function expectKeyError(p: Promise<unknown> | (() => unknown), code: KeyErrorCode, message?: RegExp): Promise<KeyError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(KeyError);
  const err = caught as KeyError;
  expect(err.code, err.message).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

async function makeKey(label: string, algorithm: KeyAlgorithm, token = tokA): Promise<{ record: KeyRecord; key: SigningKey }> {
  const { spki, location } = await generatePkcs11Key({ label, algorithm, binding: bindingFor(token) });
  const record: KeyRecord = {
    label,
    store: 'pkcs11',
    algorithm,
    spki,
    spkiSha256: createHash('sha256').update(spki).digest('hex'),
    location: { ...location },
    createdAt: new Date().toISOString(),
  };
  const key = await openPkcs11Key(record, { modulePath: hsm.modulePath, pin: token.pin });
  opened.push(key);
  return { record, key };
}

function nodeVerifies(algorithm: KeyAlgorithm, spki: Buffer, message: Buffer, signature: Buffer): boolean {
  return verify(KEY_ALGORITHM_INFO[algorithm].hash, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

/** Objects on the token carrying `label`, seen through a logged-in session. */
function objectsLabelled(token: SoftHsmToken, label: string): Buffer[] {
  const ts = Pkcs11TokenSession.open(bindingFor(token), false);
  try {
    return findObjects(ts.pkcs11, ts.session, [{ type: pkcs11js.CKA_LABEL, value: label }], ts.name);
  } finally {
    ts.close();
  }
}

// No skip: CI installs SoftHSM (.ci/run), and a PKCS#11 store that was never exercised must not pass.
describe('PKCS#11 key store on SoftHSM', () => {
  it('lists the tokens with their serials, skipping none', () => {
    const tokens = listPkcs11Tokens(hsm.modulePath);
    for (const t of hsm.tokens) {
      const seen = tokens.find((x) => x.serial === t.serial);
      expect(seen).toMatchObject({ label: t.label, initialized: true, loginRequired: true, manufacturer: 'SoftHSM project' });
      expect(typeof seen?.slot).toBe('number');
    }
    // SoftHSM always offers one free, uninitialized slot.
    expect(tokens.filter((t) => !t.initialized)).toHaveLength(1);
  });

  for (const algorithm of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'ed25519'] as const) {
    it(`generates ${algorithm} on the token and signs there; node:crypto and openssl verify`, async () => {
      const { record, key } = await makeKey(`gen-${algorithm}`, algorithm);
      expect(record.location).toMatchObject({ tokenSerial: tokA.serial, tokenLabel: 'hallmark-a', sensitive: true, extractable: false });
      expect(record.location.id).toMatch(/^[0-9a-f]{32}$/);
      const pub = createPublicKey({ key: record.spki, format: 'der', type: 'spki' });
      expect(pub.asymmetricKeyType).toBe(KEY_ALGORITHM_INFO[algorithm].family === 'ed25519' ? 'ed25519' : KEY_ALGORITHM_INFO[algorithm].family);
      expect(key.spki.equals(record.spki)).toBe(true);

      const message = Buffer.from(`to be signed by ${algorithm} `.repeat(10));
      const signature = await key.sign(message);
      expect(nodeVerifies(algorithm, record.spki, message, signature)).toBe(true);
      expect(nodeVerifies(algorithm, record.spki, Buffer.concat([message, Buffer.from('x')]), signature)).toBe(false);

      // openssl wants X.509's form (DER Ecdsa-Sig-Value for ECDSA), which is what sign() returns.
      const dir = join(work.path, algorithm);
      mkdirSync(dir);
      writeFileSync(join(dir, 'pub.pem'), pub.export({ type: 'spki', format: 'pem' }));
      writeFileSync(join(dir, 'msg'), message);
      writeFileSync(join(dir, 'sig'), signature);
      const args =
        algorithm === 'ed25519'
          ? ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-rawin', '-in', join(dir, 'msg'), '-sigfile', join(dir, 'sig')]
          : ['dgst', `-${KEY_ALGORITHM_INFO[algorithm].hash}`, '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'msg')];
      expect(execFileSync('openssl', args, { encoding: 'utf8' })).toMatch(/Verified OK|Signature Verified Successfully/);
    });
  }

  it('makes the private key sensitive and non-extractable: attributes read back, CKA_VALUE refused', async () => {
    const { record } = await makeKey('secret-p256', 'ecdsa-p256');
    const ts = Pkcs11TokenSession.open(bindingFor(tokA), false);
    try {
      const id = Buffer.from(record.location.id as string, 'hex');
      const [priv] = findObjects(
        ts.pkcs11,
        ts.session,
        [
          { type: pkcs11js.CKA_CLASS, value: CKO.privateKey },
          { type: pkcs11js.CKA_ID, value: id },
        ],
        ts.name,
      );
      expect(priv).toBeDefined();
      const flags = readBooleans(
        ts.pkcs11,
        ts.session,
        priv!,
        [
          pkcs11js.CKA_SENSITIVE,
          pkcs11js.CKA_EXTRACTABLE,
          pkcs11js.CKA_ALWAYS_SENSITIVE,
          pkcs11js.CKA_NEVER_EXTRACTABLE,
          pkcs11js.CKA_TOKEN,
          pkcs11js.CKA_PRIVATE,
        ],
        ts.name,
      );
      expect(flags).toEqual([true, false, true, true, true, true]);
      expect(() => ts.pkcs11.C_GetAttributeValue(ts.session, priv!, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    } finally {
      ts.close();
    }
  });

  it('refuses a label already on the token and creates no second object', async () => {
    await makeKey('dup-label', 'ecdsa-p256');
    expect(objectsLabelled(tokA, 'dup-label')).toHaveLength(2);
    await expectKeyError(
      generatePkcs11Key({ label: 'dup-label', algorithm: 'ecdsa-p384', binding: bindingFor(tokA) }),
      'KEY_LABEL_EXISTS',
      new RegExp(`a key labelled dup-label already exists on token hallmark-a \\(serial ${tokA.serial}\\)`),
    );
    expect(objectsLabelled(tokA, 'dup-label')).toHaveLength(2);
  });

  it('maps a wrong PIN to PKCS11_PIN_WRONG, also when the token is already logged in by this process', async () => {
    await expectKeyError(generatePkcs11Key({ label: 'never', algorithm: 'ecdsa-p256', binding: bindingFor(tokB, { pin: 'wrong-pin' }) }), 'PKCS11_PIN_WRONG');
    const { record } = await makeKey('pin-check', 'ecdsa-p256'); // keeps token A logged in
    await expectKeyError(openPkcs11Key(record, bindingFor(tokA, { pin: 'not-the-pin' })), 'PKCS11_PIN_WRONG');
    expect(objectsLabelled(tokB, 'never')).toHaveLength(0);
  });

  it('selects tokens by serial, refuses unknown serials and ambiguous labels', async () => {
    const err = await expectKeyError(
      generatePkcs11Key({ label: 'x', algorithm: 'ecdsa-p256', binding: { modulePath: hsm.modulePath, tokenSerial: '0000000000000000', pin: '1234' } }),
      'PKCS11_TOKEN_NOT_FOUND',
    );
    expect(err.message).toContain(tokA.serial);
    expect(err.message).toContain('hallmark-b');
    await expectKeyError(
      generatePkcs11Key({ label: 'x', algorithm: 'ecdsa-p256', binding: { modulePath: hsm.modulePath, tokenLabel: 'twin', pin: '123456' } }),
      'PKCS11_TOKEN_NOT_FOUND',
      /ambiguous/,
    );
    // By label when it is unique.
    const { location } = await generatePkcs11Key({
      label: 'by-label',
      algorithm: 'ecdsa-p256',
      binding: { modulePath: hsm.modulePath, tokenLabel: 'hallmark-b', pin: tokB.pin },
    });
    expect(location.tokenSerial).toBe(tokB.serial);
  });

  it('refuses to open a key through a binding that chose another token', async () => {
    const { record } = await makeKey('lives-on-a', 'ecdsa-p256');
    await expectKeyError(
      openPkcs11Key(record, bindingFor(tokB)),
      'PKCS11_TOKEN_NOT_FOUND',
      new RegExp(`key lives-on-a lives on token serial ${tokA.serial}; the binding chose token "hallmark-b" \\(serial ${tokB.serial}\\)`),
    );
  });

  it('refuses a record whose public key differs from the token object', async () => {
    const { record } = await makeKey('mismatch', 'ecdsa-p256');
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' });
    await expectKeyError(openPkcs11Key({ ...record, spki: other }, bindingFor(tokA)), 'PKCS11_KEY_MISMATCH');
    await expectKeyError(openPkcs11Key({ ...record, label: 'renamed' }, bindingFor(tokA)), 'PKCS11_KEY_MISMATCH');
    await expectKeyError(openPkcs11Key({ ...record, location: { ...record.location, id: '00'.repeat(16) } }, bindingFor(tokA)), 'PKCS11_KEY_NOT_FOUND');
  });

  it('refuses a module that is not on the allow-list before loading it, and reports a listed bad module path as PKCS11_MODULE', async () => {
    await expectKeyError(() => listPkcs11Tokens('/nonexistent/libpkcs11.so'), 'PKCS11_MODULE_NOT_ALLOWED', /\/nonexistent\/libpkcs11\.so/);
    await expectKeyError(
      generatePkcs11Key({ label: 'x', algorithm: 'ecdsa-p256', binding: { modulePath: '/etc/hostname', tokenSerial: tokA.serial, pin: tokA.pin } }),
      'PKCS11_MODULE_NOT_ALLOWED',
    );
    // Listed by the administrator (the environment's list), but not a module: found missing, or failing to load.
    const before = process.env[PKCS11_MODULES_ENV];
    process.env[PKCS11_MODULES_ENV] = `${before}:/nonexistent/libpkcs11.so:/etc/hostname`;
    try {
      await expectKeyError(() => listPkcs11Tokens('/nonexistent/libpkcs11.so'), 'PKCS11_MODULE', /\/nonexistent\/libpkcs11\.so/);
      await expectKeyError(
        generatePkcs11Key({ label: 'x', algorithm: 'ecdsa-p256', binding: { modulePath: '/etc/hostname', tokenSerial: tokA.serial, pin: tokA.pin } }),
        'PKCS11_MODULE',
      );
    } finally {
      process.env[PKCS11_MODULES_ENV] = before;
    }
  });

  it('signs 200 messages concurrently, every signature valid', async () => {
    const { record, key } = await makeKey('concurrent', 'ecdsa-p256');
    const messages = Array.from({ length: 200 }, (_, i) => Buffer.from(`message ${i} `.repeat(20)));
    const signatures = await Promise.all(messages.map((m) => key.sign(m)));
    signatures.forEach((s, i) => expect(nodeVerifies('ecdsa-p256', record.spki, messages[i]!, s)).toBe(true));
  });

  it('two keys on one token share the login: closing one leaves the other signing', async () => {
    const one = await makeKey('share-1', 'ecdsa-p256');
    const two = await makeKey('share-2', 'ecdsa-p384');
    one.key.close();
    const m = Buffer.from('after the other closed');
    expect(nodeVerifies('ecdsa-p384', two.record.spki, m, await two.key.sign(m))).toBe(true);
    await expectKeyError(one.key.sign(m), 'KEY_CLOSED');
  });

  it('refuses Ed25519 with PKCS11_MECHANISM_UNSUPPORTED on a token without CKM_EDDSA', async () => {
    // SoftHSM 2.6.1 on Debian 12 does offer EdDSA, so the refusal is checked on a mechanism list without it.
    const withoutEdDsa = [pkcs11js.CKM_EC_KEY_PAIR_GEN, pkcs11js.CKM_ECDSA, pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN, pkcs11js.CKM_SHA256_RSA_PKCS];
    await expectKeyError(
      () => planKeyGeneration('ed25519', withoutEdDsa, '"old-hsm" (serial 42)'),
      'PKCS11_MECHANISM_UNSUPPORTED',
      /"old-hsm" \(serial 42\).*CKM_EC_EDWARDS_KEY_PAIR_GEN/,
    );
    await expectKeyError(() => planSigning('ed25519', withoutEdDsa, '"old-hsm" (serial 42)'), 'PKCS11_MECHANISM_UNSUPPORTED', /CKM_EDDSA/);
    await expectKeyError(() => planSigning('ecdsa-p256', [pkcs11js.CKM_RSA_PKCS], '"rsa-only"'), 'PKCS11_MECHANISM_UNSUPPORTED', /CKM_ECDSA/);
    // Without CKM_SHA256_RSA_PKCS, RSA falls back to CKM_RSA_PKCS over a DigestInfo built here.
    expect(planSigning('rsa-2048', [pkcs11js.CKM_RSA_PKCS], 't').mechanism).toBe(pkcs11js.CKM_RSA_PKCS);
  });
});

describe('ECDSA raw <-> DER', () => {
  it('round-trips signatures from node:crypto, including short r and s', () => {
    for (const [curve, width] of [
      ['prime256v1', 32],
      ['secp384r1', 48],
    ] as const) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      for (let i = 0; i < 200; i++) {
        const m = Buffer.from(`m${i}`);
        const der = nodeSign(null, m, privateKey);
        const raw = ecdsaDerToRaw(der, width);
        expect(raw).toHaveLength(2 * width);
        expect(verify(null, m, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
        expect(ecdsaRawToDer(raw).equals(der)).toBe(true);
        const raw2 = nodeSign(null, m, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        expect(verify(null, m, publicKey, ecdsaRawToDer(raw2))).toBe(true);
      }
    }
    // A top-bit-set r gains a 0x00; a zero-led s loses its leading zeros.
    const raw = Buffer.concat([Buffer.alloc(32, 0xff), Buffer.concat([Buffer.alloc(31), Buffer.from([0x01])])]);
    const der = ecdsaRawToDer(raw);
    expect(der.toString('hex')).toBe(`3026022100${'ff'.repeat(32)}020101`);
    expect(ecdsaDerToRaw(der, 32).equals(raw)).toBe(true);
  });
});
