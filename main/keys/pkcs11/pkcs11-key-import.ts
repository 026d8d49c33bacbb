import { createPublicKey, randomBytes, verify } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Template } from 'pkcs11js';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import { DerError, readChildren, readElement, TAG } from '../software/der-lite.js';
import type { Pkcs11Binding, Pkcs11KeyLocation } from './pkcs11-binding.js';
import { isCkr, toPkcs11KeyError } from './pkcs11-errors.js';
import { CKK_EC_EDWARDS, planSigning } from './pkcs11-mechanisms.js';
import { acquirePkcs11Module, type Pkcs11, type Pkcs11Handle } from './pkcs11-module-registry.js';
import type { Pkcs11LibraryInfo } from './pkcs11-implementation.js';
import { describeTokenModel, selectToken, type Pkcs11TokenInfo } from './pkcs11-token.js';
import { destroyQuietly, findObjects, readBooleans, SIGN_ONLY_PRIVATE_KEY } from './pkcs11-objects.js';
import { ecParamsFor, readPublicKeySpki } from './pkcs11-public-key.js';
import { Pkcs11TokenSession } from './pkcs11-token-session.js';

/** What the workspace records for a key that was imported rather than generated on its token. */
export type ImportedPkcs11KeyLocation = Pkcs11KeyLocation & { imported: true };

export interface ImportedPkcs11Key {
  spki: Buffer;
  location: ImportedPkcs11KeyLocation;
  /**
   * The private object's attributes as read back. An imported key was outside a token
   * once, so PKCS#11 reports CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE false; they are
   * recorded as the token says, not treated as a failure.
   */
  attributes: { sensitive: boolean; extractable: boolean; alwaysSensitive: boolean; neverExtractable: boolean };
}

/** Key fields as PKCS#11 wants them; the private ones are views into the PKCS#8 bytes, wiped with them. */
type Fields = { type: number; value: Buffer }[];

const OID = {
  ecPublicKey: Buffer.from('06072a8648ce3d0201', 'hex'), // 1.2.840.10045.2.1
  rsaEncryption: Buffer.from('06092a864886f70d010101', 'hex'), // 1.2.840.113549.1.1.1
  ed25519: Buffer.from('06032b6570', 'hex'), // 1.3.101.112
};

/**
 * Puts an existing private key (reassembled in memory from custodian shares) onto a token
 * as a sensitive, non-extractable signing key, with its public key beside it.
 *
 * Takes ownership of `pkcs8`: it is wiped before this returns or throws, because the key
 * must exist in plaintext only for as long as the import takes. (pkcs11js copies the
 * template into native memory for C_CreateObject; that copy is outside our reach.)
 *
 * Nothing is declared imported until the token proves it: the private object reads back
 * sensitive and non-extractable, the public object's SPKI equals `spki`, and a test
 * signature made on the token verifies with `spki`. Any failure destroys both objects, so
 * a wrong or half-accepted import leaves nothing on the token to be found by label later.
 */
export async function importKeyToToken(args: {
  binding: Pkcs11Binding;
  label: string;
  algorithm: KeyAlgorithm;
  pkcs8: Buffer;
  spki: Buffer;
}): Promise<ImportedPkcs11Key> {
  const { binding, label, algorithm, pkcs8, spki } = args;
  try {
    if (label === '') throw new KeyError('KEY_LABEL_INVALID', 'a PKCS#11 key needs a non-empty label');
    const privateFields = privateKeyFields(pkcs8, algorithm);
    const publicFields = publicKeyFields(spki, algorithm);
    const ts = Pkcs11TokenSession.open(binding, true, refuseTokenWithoutImport);
    try {
      const { pkcs11, session, name } = ts;
      // Asked before anything is created: a token that cannot sign with the key must not receive it.
      const plan = planSigning(algorithm, ts.mechanisms(), name);
      if (findObjects(pkcs11, session, [{ type: pkcs11js.CKA_LABEL, value: label }], name).length > 0) {
        throw new KeyError('KEY_LABEL_EXISTS', `a key labelled ${label} already exists on token ${ts.token.label} (serial ${ts.token.serial})`);
      }

      const id = randomBytes(16);
      const keyType = keyTypeOf(algorithm);
      const common: Template = [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_KEY_TYPE, value: keyType },
      ];
      const publicTemplate: Template = [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
        ...common,
        { type: pkcs11js.CKA_PRIVATE, value: false },
        { type: pkcs11js.CKA_VERIFY, value: true },
        ...publicFields,
      ];
      const privateTemplate: Template = [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, ...common, ...SIGN_ONLY_PRIVATE_KEY, ...privateFields];

      const created: Pkcs11Handle[] = [];
      try {
        created.push(createObject(pkcs11, session, publicTemplate, algorithm, 'public', name));
        created.push(createObject(pkcs11, session, privateTemplate, algorithm, 'private', name));
        const [publicKey, privateKey] = created as [Pkcs11Handle, Pkcs11Handle];
        const [sensitive, extractable, alwaysSensitive, neverExtractable] = readBooleans(
          pkcs11,
          session,
          privateKey,
          [pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_ALWAYS_SENSITIVE, pkcs11js.CKA_NEVER_EXTRACTABLE],
          name,
        ) as [boolean, boolean, boolean, boolean];
        if (!sensitive || extractable) {
          throw new KeyError(
            'PKCS11_KEY_EXTRACTABLE',
            `token ${name} stored imported key ${label} with sensitive=${sensitive}, extractable=${extractable}; it was destroyed`,
            'check',
          );
        }
        const onToken = readPublicKeySpki(algorithm, pkcs11, session, publicKey, name);
        if (!onToken.equals(spki))
          throw new KeyError(
            'PKCS11_KEY_MISMATCH',
            `token ${name} holds a different public key for imported key ${label} than the one given; it was destroyed`,
            'check',
          );
        await proveSigns(pkcs11, session, privateKey, plan, algorithm, spki, label, name);
        return {
          spki: Buffer.from(spki),
          location: { tokenSerial: ts.token.serial, tokenLabel: ts.token.label, id: id.toString('hex'), sensitive, extractable, imported: true },
          attributes: { sensitive, extractable, alwaysSensitive, neverExtractable },
        };
      } catch (e) {
        destroyQuietly(pkcs11, session, created);
        throw e;
      }
    } finally {
      ts.close();
    }
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * A TPM holds only keys it generated: tpm2-pkcs11 refuses C_CreateObject for a private key
 * (CKR_ATTRIBUTE_VALUE_INVALID), and its own import tool marks what it imports extractable.
 * So restoring a key onto one is refused by name, before any share is opened.
 */
function refuseTokenWithoutImport(token: Pkcs11TokenInfo, library: Pkcs11LibraryInfo): void {
  if (library.implementation !== 'tpm2-pkcs11') return;
  throw new KeyError(
    'PKCS11_IMPORT_UNSUPPORTED',
    `token ${describeTokenModel(token)} is a TPM (${library.description}), and a TPM cannot take an imported private key: it only holds keys it generated itself. Restore the key onto an HSM or another token that accepts imported keys; nothing was opened or changed`,
    'environment',
  );
}

/**
 * Refuses, without logging in, a token that cannot receive an imported private key (a
 * TPM): for a key restore to call before the custodians' shares are opened.
 */
export function assertTokenAcceptsKeyImport(binding: Pkcs11Binding): void {
  const lease = acquirePkcs11Module(binding.modulePath, binding.libraryParameters);
  try {
    refuseTokenWithoutImport(selectToken(lease.pkcs11, binding).info, lease.library);
  } finally {
    lease.release();
  }
}

/**
 * Removes both objects of a key that importKeyToToken put on the token, for a caller whose
 * own next step (recording the key) failed after the import succeeded.
 */
export function destroyImportedKey(binding: Pkcs11Binding, location: Pick<Pkcs11KeyLocation, 'tokenSerial' | 'id'>): number {
  const ts = Pkcs11TokenSession.open({ ...binding, tokenSerial: location.tokenSerial }, true);
  try {
    const found = findObjects(ts.pkcs11, ts.session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(location.id, 'hex') }], ts.name);
    for (const object of found) {
      try {
        ts.pkcs11.C_DestroyObject(ts.session, object);
      } catch (e) {
        throw toPkcs11KeyError(e, 'destroying an imported key', ts.name);
      }
    }
    return found.length;
  } finally {
    ts.close();
  }
}

function keyTypeOf(algorithm: KeyAlgorithm): number {
  const family = KEY_ALGORITHM_INFO[algorithm].family;
  return family === 'rsa' ? pkcs11js.CKK_RSA : family === 'ec' ? pkcs11js.CKK_EC : CKK_EC_EDWARDS;
}

function createObject(pkcs11: Pkcs11, session: Pkcs11Handle, template: Template, algorithm: KeyAlgorithm, which: string, token: string): Pkcs11Handle {
  try {
    return pkcs11.C_CreateObject(session, template);
  } catch (e) {
    // A token that does not know the key type refuses the template rather than the mechanism.
    if (
      isCkr(
        e,
        'CKR_ATTRIBUTE_VALUE_INVALID',
        'CKR_ATTRIBUTE_TYPE_INVALID',
        'CKR_KEY_TYPE_INCONSISTENT',
        'CKR_TEMPLATE_INCONSISTENT',
        'CKR_TEMPLATE_INCOMPLETE',
        'CKR_CURVE_NOT_SUPPORTED',
        'CKR_DOMAIN_PARAMS_INVALID',
      )
    ) {
      throw new KeyError(
        'PKCS11_MECHANISM_UNSUPPORTED',
        `token ${token} does not accept an imported ${algorithm} ${which} key (${String((e as Error).message)})`,
        'environment',
        { algorithm },
      );
    }
    throw toPkcs11KeyError(e, `importing the ${which} half of an ${algorithm} key`, token);
  }
}

async function proveSigns(
  pkcs11: Pkcs11,
  session: Pkcs11Handle,
  privateKey: Pkcs11Handle,
  plan: ReturnType<typeof planSigning>,
  algorithm: KeyAlgorithm,
  spki: Buffer,
  label: string,
  token: string,
): Promise<void> {
  const probe = Buffer.concat([Buffer.from('hallmark pkcs11 import self-test '), randomBytes(16)]);
  let signature: Buffer;
  try {
    pkcs11.C_SignInit(session, { mechanism: plan.mechanism }, privateKey);
    signature = plan.finish(await pkcs11.C_SignAsync(session, plan.prepare(probe), Buffer.alloc(plan.maxSignatureLength)));
  } catch (e) {
    throw toPkcs11KeyError(e, `signing a test message with imported key ${label}`, token);
  }
  const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (!verify(KEY_ALGORITHM_INFO[algorithm].hash, probe, publicKey, signature)) {
    throw new KeyError(
      'PKCS11_KEY_MISMATCH',
      `a test signature by imported key ${label} on token ${token} does not verify with the expected public key: the private key is not that key's; it was destroyed`,
      'check',
    );
  }
}

/** The public attributes, from the SPKI (public data, so node:crypto's JWK strings are fine here). */
function publicKeyFields(spki: Buffer, algorithm: KeyAlgorithm): Fields {
  let jwk;
  try {
    jwk = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  } catch (e) {
    throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `the expected public key is not a readable SPKI: ${(e as Error).message}`);
  }
  const b = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');
  const family = KEY_ALGORITHM_INFO[algorithm].family;
  const crv = algorithm === 'ecdsa-p256' ? 'P-256' : algorithm === 'ecdsa-p384' ? 'P-384' : 'Ed25519';
  if (family === 'rsa') {
    if (jwk.kty !== 'RSA') throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `the expected public key is ${String(jwk.kty)}, not ${algorithm}`);
    return [
      { type: pkcs11js.CKA_MODULUS, value: b(jwk.n) },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: b(jwk.e) },
    ];
  }
  if (jwk.crv !== crv) throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `the expected public key is ${String(jwk.kty)} ${String(jwk.crv)}, not ${algorithm}`);
  const point = family === 'ec' ? Buffer.concat([Buffer.from([0x04]), b(jwk.x), b(jwk.y)]) : b(jwk.x);
  // CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 2.40 §2.3.3); every point here is < 128 bytes.
  return [
    { type: pkcs11js.CKA_EC_PARAMS, value: ecParamsFor(algorithm) },
    { type: pkcs11js.CKA_EC_POINT, value: Buffer.concat([Buffer.from([0x04, point.length]), point]) },
  ];
}

/**
 * Reads PKCS#8 (RFC 5208/5958) just far enough to hand its secret fields to the token, as
 * views into `pkcs8`: no copy of the secret is made here, so wiping `pkcs8` wipes them.
 */
function privateKeyFields(pkcs8: Buffer, algorithm: KeyAlgorithm): Fields {
  const bad = (why: string): KeyError => new KeyError('KEY_FILE_INVALID', `the private key to import is not a PKCS#8 ${algorithm} key: ${why}`, 'check');
  try {
    const outer = readElement(pkcs8, 0, TAG.SEQUENCE, 'PrivateKeyInfo');
    if (outer.end !== pkcs8.length) throw bad('trailing bytes');
    const [version, algId, privateKey] = readChildren(outer.value, 'PrivateKeyInfo');
    if (!version || version.tag !== TAG.INTEGER || !algId || algId.tag !== TAG.SEQUENCE || !privateKey || privateKey.tag !== TAG.OCTET_STRING)
      throw bad('unexpected structure');
    const [oid, params] = readChildren(algId.value, 'AlgorithmIdentifier');
    const family = KEY_ALGORITHM_INFO[algorithm].family;
    switch (family) {
      case 'ec': {
        if (!oid?.raw.equals(OID.ecPublicKey) || !params?.raw.equals(ecParamsFor(algorithm))) throw bad('not an EC key on the expected curve');
        const inner = readElement(privateKey.value, 0, TAG.SEQUENCE, 'ECPrivateKey');
        const [, d] = readChildren(inner.value, 'ECPrivateKey');
        if (!d || d.tag !== TAG.OCTET_STRING || d.value.length === 0) throw bad('no private scalar');
        return [
          { type: pkcs11js.CKA_EC_PARAMS, value: ecParamsFor(algorithm) },
          { type: pkcs11js.CKA_VALUE, value: d.value },
        ];
      }
      case 'ed25519': {
        if (!oid?.raw.equals(OID.ed25519) || params !== undefined) throw bad('not an Ed25519 key');
        const seed = readElement(privateKey.value, 0, TAG.OCTET_STRING, 'CurvePrivateKey');
        if (seed.value.length !== 32) throw bad(`a ${seed.value.length}-byte private key`);
        return [
          { type: pkcs11js.CKA_EC_PARAMS, value: ecParamsFor(algorithm) },
          { type: pkcs11js.CKA_VALUE, value: seed.value },
        ];
      }
      case 'rsa': {
        if (!oid?.raw.equals(OID.rsaEncryption)) throw bad('not an RSA key');
        const inner = readElement(privateKey.value, 0, TAG.SEQUENCE, 'RSAPrivateKey');
        const ints = readChildren(inner.value, 'RSAPrivateKey');
        if (ints.length < 9 || ints.some((i) => i.tag !== TAG.INTEGER)) throw bad('an RSAPrivateKey needs nine INTEGERs');
        const types = [
          pkcs11js.CKA_MODULUS,
          pkcs11js.CKA_PUBLIC_EXPONENT,
          pkcs11js.CKA_PRIVATE_EXPONENT,
          pkcs11js.CKA_PRIME_1,
          pkcs11js.CKA_PRIME_2,
          pkcs11js.CKA_EXPONENT_1,
          pkcs11js.CKA_EXPONENT_2,
          pkcs11js.CKA_COEFFICIENT,
        ];
        // PKCS#11 big integers are unsigned: drop DER's sign byte.
        return types.map((type, i) => ({ type, value: unsigned(ints[i + 1]!.value) }));
      }
    }
  } catch (e) {
    if (e instanceof DerError) throw bad(e.message);
    throw e;
  }
}

function unsigned(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
