import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALGORITHMS, KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import { encryptPkcs8 } from '../../main/keys/software/encrypted-pkcs8.js';
import { toEncryptedPem } from '../../main/keys/software/encrypted-pem.js';
import { generateSoftwareKey, openSoftwareKey } from '../../main/keys/software/index.js';
import { tempDir } from '../support/temp-dir.js';

const PASSPHRASE = 'correct horse battery staple';
const MESSAGE = Buffer.from('to be signed: a TBSCertificate stands in here');

let dir: { path: string; dispose(): void };
let keysDir: string;
let passFile: string;

beforeAll(() => {
  dir = tempDir('hallmark-softkey-');
  keysDir = join(dir.path, 'keys');
  passFile = join(dir.path, 'passphrase.txt');
  writeFileSync(passFile, PASSPHRASE, { mode: 0o600 });
});
afterAll(() => dir.dispose());

function recordFor(label: string, algorithm: KeyAlgorithm, made: Awaited<ReturnType<typeof generateSoftwareKey>>): KeyRecord {
  return {
    label,
    store: 'software',
    algorithm,
    spki: made.spki,
    spkiSha256: createHash('sha256').update(made.spki).digest('hex'),
    location: made.location,
    createdAt: new Date().toISOString(),
  };
}

async function expectKeyError(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
  if (message) await expect(p).rejects.toThrow(message);
}

function openssl(args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Verifies with OpenSSL against the public key OpenSSL itself extracts from our encrypted file. */
function opensslVerifies(algorithm: KeyAlgorithm, keyFile: string, signature: Buffer, name: string): boolean {
  const pub = join(dir.path, `${name}.pub.pem`);
  const sig = join(dir.path, `${name}.sig`);
  const msg = join(dir.path, `${name}.msg`);
  openssl(['pkey', '-in', keyFile, '-passin', `file:${passFile}`, '-pubout', '-out', pub]);
  writeFileSync(sig, signature);
  writeFileSync(msg, MESSAGE);
  const info = KEY_ALGORITHM_INFO[algorithm];
  const args =
    info.hash === null
      ? ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', msg, '-sigfile', sig]
      : ['dgst', `-${info.hash}`, '-verify', pub, '-signature', sig, msg];
  try {
    return /Verified OK|Signature Verified Successfully/.test(openssl(args).toString());
  } catch {
    return false;
  }
}

describe('software key store', () => {
  describe.each(KEY_ALGORITHMS.map((a) => [a]))('%s', (algorithm) => {
    const label = `ca-${algorithm}`;

    it('generates, reopens with the passphrase, and signs what node and openssl verify', async () => {
      const made = await generateSoftwareKey({ label, algorithm, passphrase: PASSPHRASE, keysDir });
      expect(made.location).toEqual({ file: `${label}.p8.pem`, format: 'pkcs8-pbes2', kdf: 'pbkdf2-hmac-sha256:1000000', cipher: 'aes-256-cbc' });
      const keyFile = join(keysDir, made.location.file);

      expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);

      // OpenSSL reads the file and derives the same SPKI we recorded.
      openssl(['pkey', '-in', keyFile, '-passin', `file:${passFile}`, '-noout']);
      const opensslSpki = openssl(['pkey', '-in', keyFile, '-passin', `file:${passFile}`, '-pubout', '-outform', 'DER']);
      expect(opensslSpki.equals(made.spki)).toBe(true);

      const key = await openSoftwareKey(recordFor(label, algorithm, made), { passphrase: PASSPHRASE, keysDir });
      expect(key.spki.equals(made.spki)).toBe(true);
      const info = KEY_ALGORITHM_INFO[algorithm];
      const pub = createPublicKey({ key: made.spki, format: 'der', type: 'spki' });

      const syncSig = key.signSync(MESSAGE);
      const asyncSig = await key.sign(MESSAGE);
      for (const sig of [syncSig, asyncSig]) {
        expect(verify(info.hash, MESSAGE, info.family === 'ec' ? { key: pub, dsaEncoding: 'der' } : pub, sig)).toBe(true);
      }
      if (info.family === 'ec') expect(syncSig[0]).toBe(0x30); // DER Ecdsa-Sig-Value, not r||s
      if (info.family === 'ed25519') expect(syncSig.length).toBe(64);
      if (info.family === 'rsa') expect(syncSig.length * 8).toBe(info.modulusBits);
      expect(opensslVerifies(algorithm, keyFile, syncSig, label)).toBe(true);
      expect(opensslVerifies(algorithm, keyFile, Buffer.from(syncSig.map((b, i) => (i === 10 ? b ^ 1 : b))), `${label}-bad`)).toBe(false);

      key.close();
      expect(() => key.signSync(MESSAGE)).toThrow(expect.objectContaining({ code: 'KEY_CLOSED' }) as unknown);
      await expectKeyError(key.sign(MESSAGE), 'KEY_CLOSED');
    });
  });

  describe('refusals', () => {
    let made: Awaited<ReturnType<typeof generateSoftwareKey>>;
    let record: KeyRecord;
    let keyFile: string;
    const label = 'intermediate-1';

    beforeAll(async () => {
      made = await generateSoftwareKey({ label, algorithm: 'ecdsa-p384', passphrase: PASSPHRASE, keysDir });
      record = recordFor(label, 'ecdsa-p384', made);
      keyFile = join(keysDir, made.location.file);
    });

    /** Writes a modified copy of the key file under another name and returns a record pointing at it. */
    function tampered(name: string, edit: (der: Buffer) => Buffer): KeyRecord {
      const pem = readFileSync(keyFile, 'utf8');
      const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      writeFileSync(join(keysDir, name), toEncryptedPem(edit(Buffer.from(der))), { mode: 0o600 });
      return { ...record, location: { ...record.location, file: name } };
    }

    it('a wrong passphrase is KEY_PASSPHRASE_WRONG', async () => {
      await expectKeyError(
        openSoftwareKey(record, { passphrase: 'not the passphrase at all', keysDir }),
        'KEY_PASSPHRASE_WRONG',
        /passphrase does not open key "intermediate-1"/,
      );
    });

    it('a flipped ciphertext byte is reported as a damaged file, not as a wrong passphrase', async () => {
      // The ciphertext is the last OCTET STRING; flip a byte in its middle and one in its last block.
      for (const [name, fromEnd] of [
        ['mid.p8.pem', 40],
        ['last.p8.pem', 3],
      ] as const) {
        const rec = tampered(name, (der) => {
          der[der.length - fromEnd]! ^= 0x01;
          return der;
        });
        await expectKeyError(openSoftwareKey(rec, { passphrase: PASSPHRASE, keysDir }), 'KEY_FILE_INVALID', /damaged or was altered|does not hold key/);
      }
    });

    it('an edited iteration count is named against the record', async () => {
      const rec = tampered('iter.p8.pem', (der) => {
        const at = der.indexOf(Buffer.from([0x02, 0x03, 0x0f, 0x42, 0x40])); // INTEGER 1000000
        expect(at).toBeGreaterThan(0);
        der[at + 4] = 0x41;
        return der;
      });
      await expectKeyError(
        openSoftwareKey(rec, { passphrase: PASSPHRASE, keysDir }),
        'KEY_FILE_INVALID',
        /pbkdf2-hmac-sha256:1000001 but the key was recorded with pbkdf2-hmac-sha256:1000000/,
      );
    });

    it('a downgraded iteration count or a foreign cipher is refused before any decryption', async () => {
      const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'der' });
      writeFileSync(join(keysDir, 'weak.p8.pem'), toEncryptedPem(await encryptPkcs8(pkcs8, PASSPHRASE, 2048)));
      const weak = { ...record, location: { ...record.location, file: 'weak.p8.pem' } };
      await expectKeyError(openSoftwareKey(weak, { passphrase: PASSPHRASE, keysDir }), 'KEY_FILE_INVALID', /iteration count 2048 is outside/);

      const aes128 = tampered('aes128.p8.pem', (der) => {
        const at = der.indexOf(Buffer.from('060960864801650304012a', 'hex')); // OID aes-256-cbc
        expect(at).toBeGreaterThan(0);
        der[at + 10] = 0x02; // 2.16.840.1.101.3.4.1.2 = aes-128-cbc
        return der;
      });
      await expectKeyError(openSoftwareKey(aes128, { passphrase: PASSPHRASE, keysDir }), 'KEY_FILE_INVALID', /not AES-256-CBC/);

      // An unencrypted key file is refused (kept out of keysDir, which the last test scans).
      const elsewhere = join(dir.path, 'elsewhere');
      mkdirSync(elsewhere);
      writeFileSync(join(elsewhere, 'plain.p8.pem'), `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`);
      const plain = { ...record, location: { ...record.location, file: 'plain.p8.pem' } };
      await expectKeyError(openSoftwareKey(plain, { passphrase: PASSPHRASE, keysDir: elsewhere }), 'KEY_FILE_INVALID', /not an encrypted PKCS#8 PEM/);
    });

    it('a file holding another key (same passphrase) is KEY_FILE_INVALID', async () => {
      const other = await generateSoftwareKey({ label: 'other-p384', algorithm: 'ecdsa-p384', passphrase: PASSPHRASE, keysDir });
      const swapped = { ...record, location: other.location };
      await expectKeyError(openSoftwareKey(swapped, { passphrase: PASSPHRASE, keysDir }), 'KEY_FILE_INVALID', /the key file does not hold key intermediate-1/);
    });

    it('reads a PBES2 file written by openssl itself', async () => {
      const pem = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-aes-256-cbc', '-pass', `file:${passFile}`]);
      // genpkey uses OpenSSL's default PBKDF2 count; re-wrap with 600k so it meets our floor.
      // (OpenSSL cannot read -passin and -passout from the same file.)
      const passOut = join(dir.path, 'passphrase-out.txt');
      writeFileSync(passOut, PASSPHRASE, { mode: 0o600 });
      const wrapped = execFileSync(
        'openssl',
        ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '600000', '-passin', `file:${passFile}`, '-passout', `file:${passOut}`],
        { input: pem },
      );
      writeFileSync(join(keysDir, 'from-openssl.p8.pem'), wrapped);
      const spki = execFileSync('openssl', ['pkey', '-passin', `file:${passFile}`, '-pubout', '-outform', 'DER'], { input: wrapped });
      const rec: KeyRecord = {
        ...record,
        label: 'from-openssl',
        spki,
        location: { file: 'from-openssl.p8.pem', format: 'pkcs8-pbes2', kdf: 'pbkdf2-hmac-sha256:600000', cipher: 'aes-256-cbc' },
      };
      const key = await openSoftwareKey(rec, { passphrase: PASSPHRASE, keysDir });
      expect(verify('sha384', MESSAGE, { key: createPublicKey({ key: spki, format: 'der', type: 'spki' }), dsaEncoding: 'der' }, key.signSync(MESSAGE))).toBe(
        true,
      );
    });

    it('never overwrites: an existing file for the label is KEY_FILE_EXISTS and stays as it was', async () => {
      const before = readFileSync(keyFile);
      const mtime = statSync(keyFile).mtimeMs;
      await expectKeyError(generateSoftwareKey({ label, algorithm: 'ed25519', passphrase: PASSPHRASE, keysDir }), 'KEY_FILE_EXISTS');
      expect(readFileSync(keyFile).equals(before)).toBe(true);
      expect(statSync(keyFile).mtimeMs).toBe(mtime);
    });

    it('refuses short passphrases and labels that could escape the keys directory', async () => {
      await expectKeyError(generateSoftwareKey({ label: 'short-pass', algorithm: 'ed25519', passphrase: 'elevenchars', keysDir }), 'KEY_PASSPHRASE_WEAK');
      await expectKeyError(generateSoftwareKey({ label: '../escape', algorithm: 'ed25519', passphrase: PASSPHRASE, keysDir }), 'KEY_LABEL_INVALID');
      const escaping = { ...record, location: { ...record.location, file: '../passphrase.txt' } };
      await expectKeyError(openSoftwareKey(escaping, { passphrase: PASSPHRASE, keysDir }), 'KEY_FILE_INVALID');
    });

    it('leaves no plaintext private key anywhere in the keys directory', () => {
      for (const name of readdirSync(keysDir)) {
        const text = readFileSync(join(keysDir, name), 'latin1');
        for (const m of text.matchAll(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----/g)) expect(m[1]).toBe('ENCRYPTED ');
        // Also no DER PrivateKeyInfo written raw (a PEM is ASCII; DER would start with 0x30).
        expect(text.charCodeAt(0)).not.toBe(0x30);
      }
    });
  });
});
