import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyError } from '../key-errors.js';
import { DerError, TAG, derNull, integer, isElement, octetString, oid, readChildren, readElement, readSmallInteger, sequence } from './der-lite.js';

/**
 * PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256 → AES-256-CBC.
 *
 * Built here rather than by KeyObject.export({cipher}) because Node fixes PBKDF2 at 2048
 * iterations, which a stolen laptop's key file would not survive. 1,000,000 iterations is
 * above OWASP's 2023 floor for PBKDF2-HMAC-SHA256 (600,000) and costs ~0.1 s per open on a
 * current x86 core (a few tenths on an old laptop): keys are opened once per ceremony or
 * station shift, so the defender pays it rarely and a guesser pays it per guess. PBKDF2
 * rather than scrypt because every OpenSSL since 1.0 (and most other tooling) reads it.
 */
export const PBKDF2_ITERATIONS = 1_000_000;
/** A file asking for fewer is refused: that is a downgrade, not a key we wrote. */
export const PBKDF2_MIN_ITERATIONS = 600_000;
/** A file asking for more is refused: opening it would pin a core for minutes. */
export const PBKDF2_MAX_ITERATIONS = 20_000_000;

export const KDF_NAME = 'pbkdf2-hmac-sha256';
export const CIPHER_NAME = 'aes-256-cbc';

const OID_PBES2 = oid('1.2.840.113549.1.5.13');
const OID_PBKDF2 = oid('1.2.840.113549.1.5.12');
const OID_HMAC_SHA256 = oid('1.2.840.113549.2.9');
const OID_AES256_CBC = oid('2.16.840.1.101.3.4.1.42');

const SALT_BYTES = 16;
const IV_BYTES = 16;
const KEY_BYTES = 32;
const BLOCK = 16;

const pbkdf2Async = promisify(pbkdf2);

/** The record's description of the KDF, compared on open so a file whose parameters were edited is named as such. */
export function describeKdf(iterations: number): string {
  return `${KDF_NAME}:${iterations}`;
}

/**
 * Passphrases are NFC-normalised before use so the same passphrase typed on systems that
 * compose accents differently opens the key. ASCII passphrases are unaffected, which is
 * what keeps `openssl pkey -passin` able to read our files.
 */
export function passphraseBytes(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

export async function encryptPkcs8(pkcs8: Buffer, passphrase: string, iterations = PBKDF2_ITERATIONS): Promise<Buffer> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const pass = passphraseBytes(passphrase);
  const key = await pbkdf2Async(pass, salt, iterations, KEY_BYTES, 'sha256');
  try {
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    const algorithm = sequence(
      OID_PBES2,
      sequence(
        sequence(OID_PBKDF2, sequence(octetString(salt), integer(iterations), sequence(OID_HMAC_SHA256, derNull()))),
        sequence(OID_AES256_CBC, octetString(iv)),
      ),
    );
    return sequence(algorithm, octetString(ciphertext));
  } finally {
    key.fill(0);
    pass.fill(0);
  }
}

export interface Pbes2Parameters {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
}

/**
 * Reads exactly the structure encryptPkcs8 writes (also OpenSSL's `-v2 aes-256-cbc
 * -v2prf hmacWithSHA256` output, which has the same shape). Any other scheme, PRF or
 * cipher is refused, never negotiated.
 */
export function parseEncryptedPkcs8(der: Buffer, label: string): Pbes2Parameters {
  try {
    const outer = readElement(der, 0, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo');
    if (outer.end !== der.length) throw new DerError('trailing bytes after EncryptedPrivateKeyInfo');
    const [algorithm, data, ...extra] = readChildren(outer.value, 'EncryptedPrivateKeyInfo');
    if (!isElement(algorithm, TAG.SEQUENCE) || !isElement(data, TAG.OCTET_STRING) || extra.length > 0) {
      throw new DerError('EncryptedPrivateKeyInfo is not { AlgorithmIdentifier, OCTET STRING }');
    }
    const [schemeOid, pbes2Params, ...extraAlg] = readChildren(algorithm.value, 'encryptionAlgorithm');
    if (!isElement(schemeOid, TAG.OID, OID_PBES2) || extraAlg.length > 0) throw new DerError('the encryption scheme is not PBES2');
    if (!isElement(pbes2Params, TAG.SEQUENCE)) throw new DerError('PBES2-params is not a SEQUENCE');
    const [kdf, scheme, ...extraParams] = readChildren(pbes2Params.value, 'PBES2-params');
    if (!isElement(kdf, TAG.SEQUENCE) || !isElement(scheme, TAG.SEQUENCE) || extraParams.length > 0) {
      throw new DerError('PBES2-params is not { keyDerivationFunc, encryptionScheme }');
    }

    const [kdfOid, kdfParams, ...extraKdf] = readChildren(kdf.value, 'keyDerivationFunc');
    if (!isElement(kdfOid, TAG.OID, OID_PBKDF2) || extraKdf.length > 0) throw new DerError('the key derivation function is not PBKDF2');
    if (!isElement(kdfParams, TAG.SEQUENCE)) throw new DerError('PBKDF2-params is not a SEQUENCE');
    const fields = readChildren(kdfParams.value, 'PBKDF2-params');
    const salt = fields.shift();
    const iter = fields.shift();
    if (!isElement(salt, TAG.OCTET_STRING)) throw new DerError('PBKDF2 salt is not a specified OCTET STRING');
    if (salt.value.length < 8 || salt.value.length > 64) throw new DerError(`PBKDF2 salt has ${salt.value.length} bytes`);
    if (!isElement(iter, TAG.INTEGER)) throw new DerError('PBKDF2 iteration count missing');
    const iterations = readSmallInteger(iter, 'PBKDF2 iteration count');
    if (isElement(fields[0], TAG.INTEGER)) {
      const keyLength = readSmallInteger(fields.shift()!, 'PBKDF2 keyLength');
      if (keyLength !== KEY_BYTES) throw new DerError(`PBKDF2 keyLength is ${keyLength}, AES-256 needs ${KEY_BYTES}`);
    }
    // The PRF defaults to HMAC-SHA1 when absent: that is not what we write, so it is required.
    const prf = fields.shift();
    if (!isElement(prf, TAG.SEQUENCE) || fields.length > 0) throw new DerError('PBKDF2 PRF is not given as HMAC-SHA256');
    const [prfOid, prfParam, ...extraPrf] = readChildren(prf.value, 'PBKDF2 prf');
    const nullOrAbsent = prfParam === undefined || (prfParam.tag === TAG.NULL && prfParam.value.length === 0);
    if (!isElement(prfOid, TAG.OID, OID_HMAC_SHA256) || !nullOrAbsent || extraPrf.length > 0) {
      throw new DerError('PBKDF2 PRF is not HMAC-SHA256');
    }

    const [cipherOid, ivEl, ...extraCipher] = readChildren(scheme.value, 'encryptionScheme');
    if (!isElement(cipherOid, TAG.OID, OID_AES256_CBC) || extraCipher.length > 0) throw new DerError('the cipher is not AES-256-CBC');
    if (!isElement(ivEl, TAG.OCTET_STRING) || ivEl.value.length !== IV_BYTES) throw new DerError('the AES-256-CBC IV is not 16 bytes');

    const ciphertext = data.value;
    if (ciphertext.length < BLOCK || ciphertext.length % BLOCK !== 0) {
      throw new DerError(`the ciphertext is ${ciphertext.length} bytes, not a whole number of AES blocks`);
    }
    if (iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) {
      throw new DerError(`PBKDF2 iteration count ${iterations} is outside ${PBKDF2_MIN_ITERATIONS}–${PBKDF2_MAX_ITERATIONS}`);
    }
    return { salt: salt.value, iterations, iv: ivEl.value, ciphertext };
  } catch (e) {
    if (e instanceof DerError) throw new KeyError('KEY_FILE_INVALID', `the key file for "${label}" is not a PBES2 key file Hallmark reads: ${e.message}`);
    throw e;
  }
}

/**
 * Decrypts to the PKCS#8 DER (the caller must wipe it). CBC has no integrity check, so a
 * wrong passphrase and an altered file are told apart by the first plaintext block: only
 * the right key turns it into the start of a PrivateKeyInfo (the chance that a wrong one
 * does is about 2^-48). After that, any failure means the file was altered.
 */
export async function decryptPkcs8(params: Pbes2Parameters, passphrase: string, label: string): Promise<Buffer> {
  const pass = passphraseBytes(passphrase);
  const key = await pbkdf2Async(pass, params.salt, params.iterations, KEY_BYTES, 'sha256');
  pass.fill(0);
  let padded: Buffer | undefined;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, params.iv);
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(params.ciphertext), decipher.final()]);
    if (!looksLikePrivateKeyInfoStart(padded)) {
      throw new KeyError('KEY_PASSPHRASE_WRONG', `the passphrase does not open key "${label}"`);
    }
    const damaged = (why: string): KeyError =>
      new KeyError('KEY_FILE_INVALID', `the key file for "${label}" is damaged or was altered (${why}); the passphrase is right`, 'check');
    const pad = padded[padded.length - 1]!;
    if (pad < 1 || pad > BLOCK || !padded.subarray(padded.length - pad).every((b) => b === pad)) throw damaged('bad padding');
    const plain = Buffer.from(padded.subarray(0, padded.length - pad));
    try {
      if (readElement(plain, 0, TAG.SEQUENCE, 'PrivateKeyInfo').end !== plain.length) throw damaged('length mismatch');
    } catch (e) {
      plain.fill(0);
      if (e instanceof DerError) throw damaged(e.message);
      throw e;
    }
    return plain;
  } finally {
    key.fill(0);
    padded?.fill(0);
  }
}

function looksLikePrivateKeyInfoStart(b: Buffer): boolean {
  if (b[0] !== TAG.SEQUENCE) return false;
  const lengthByte = b[1]!;
  const pos = lengthByte < 0x80 ? 2 : lengthByte === 0x81 ? 3 : lengthByte === 0x82 ? 4 : -1;
  if (pos < 0) return false;
  // version INTEGER 0 (v1) or 1 (v2, OneAsymmetricKey), then the AlgorithmIdentifier SEQUENCE.
  return b[pos] === TAG.INTEGER && b[pos + 1] === 1 && (b[pos + 2] === 0 || b[pos + 2] === 1) && b[pos + 3] === TAG.SEQUENCE;
}
