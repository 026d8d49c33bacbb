import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Template } from 'pkcs11js';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm, type KeyFamily } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import type { Pkcs11Binding, Pkcs11KeyLocation } from './pkcs11-binding.js';
import { toPkcs11KeyError } from './pkcs11-errors.js';
import type { Pkcs11LibraryInfo } from './pkcs11-implementation.js';
import { planKeyGeneration } from './pkcs11-mechanisms.js';
import { destroyQuietly, findObjects, readBooleans, SIGN_ONLY_PRIVATE_KEY } from './pkcs11-objects.js';
import { ecParamsFor, readPublicKeySpki } from './pkcs11-public-key.js';
import { acquirePkcs11Module } from './pkcs11-module-registry.js';
import { describeTokenModel, selectToken } from './pkcs11-token.js';
import { Pkcs11TokenSession } from './pkcs11-token-session.js';

/** PKCS#11 2.40 values pkcs11js may not name. */
const CKM_ECDH1_DERIVE = 0x1050;
const CKM_ECDH1_COFACTOR_DERIVE = 0x1051;

/**
 * tpm2-pkcs11 refuses an EC private-key template with CKA_DECRYPT false (CKR_GENERAL_ERROR,
 * "attr mismatch 0x105") and then reports CKA_DECRYPT true, since the TPM object carries
 * its decrypt bit. For an EC key that grants nothing while the token offers no ECDH
 * mechanism, so there, and only there, the attribute is left out; an RSA key keeps it,
 * because RSA decryption with a CA key would be a signing oracle.
 */
function signOnlyTemplate(library: Pkcs11LibraryInfo, family: KeyFamily, mechanisms: readonly number[]): Template {
  const ecOnTpm =
    library.implementation === 'tpm2-pkcs11' && family === 'ec' && !mechanisms.includes(CKM_ECDH1_DERIVE) && !mechanisms.includes(CKM_ECDH1_COFACTOR_DERIVE);
  return ecOnTpm ? SIGN_ONLY_PRIVATE_KEY.filter((a) => a.type !== pkcs11js.CKA_DECRYPT) : SIGN_ONLY_PRIVATE_KEY;
}

/**
 * Whether the token the binding selects can make an `algorithm` key (its mechanisms and key
 * sizes), asked without logging in: for a ceremony's pre-flight, so a token that cannot
 * hold the key is refused before anyone acknowledges the generation step.
 */
export function assertTokenCanGenerate(binding: Omit<Pkcs11Binding, 'pin'>, algorithm: KeyAlgorithm): void {
  const lease = acquirePkcs11Module(binding.modulePath, binding.libraryParameters);
  try {
    const { slotHandle, info } = selectToken(lease.pkcs11, { ...binding, pin: '' });
    let mechanisms: number[];
    try {
      mechanisms = lease.pkcs11.C_GetMechanismList(slotHandle);
    } catch (e) {
      throw toPkcs11KeyError(e, 'listing mechanisms', describeTokenModel(info));
    }
    planKeyGeneration(algorithm, mechanisms, describeTokenModel(info), (m) => {
      try {
        const r = lease.pkcs11.C_GetMechanismInfo(slotHandle, m);
        return { min: r.minKeySize, max: r.maxKeySize };
      } catch {
        return undefined;
      }
    });
  } finally {
    lease.release();
  }
}

export interface GeneratedPkcs11Key {
  spki: Buffer;
  location: Pkcs11KeyLocation;
}

/**
 * Generates a key pair inside the token. The private key is created sensitive and
 * non-extractable and then checked: a token that silently ignores those attributes
 * (some do for some key types) would otherwise leave a CA key that can be exported,
 * and the whole point of the token is that it cannot.
 */
export async function generatePkcs11Key(args: { label: string; algorithm: KeyAlgorithm; binding: Pkcs11Binding }): Promise<GeneratedPkcs11Key> {
  const { label, algorithm, binding } = args;
  if (label === '') throw new KeyError('KEY_LABEL_INVALID', 'a PKCS#11 key needs a non-empty label');
  const ts = Pkcs11TokenSession.open(binding, true);
  try {
    const { pkcs11, session, name } = ts;
    const mechanisms = ts.mechanisms();
    const plan = planKeyGeneration(algorithm, mechanisms, ts.nameWithModel, (m) => ts.keySizes(m));

    // Any object, not only keys: a certificate or data object with this label would make
    // later lookups by label ambiguous for other tools on the same token.
    if (findObjects(pkcs11, session, [{ type: pkcs11js.CKA_LABEL, value: label }], name).length > 0) {
      throw new KeyError('KEY_LABEL_EXISTS', `a key labelled ${label} already exists on token ${ts.token.label} (serial ${ts.token.serial})`);
    }

    const id = randomBytes(16);
    const common: Template = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_KEY_TYPE, value: plan.keyType },
    ];
    const info = KEY_ALGORITHM_INFO[algorithm];
    const publicTemplate: Template = [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_PRIVATE, value: false }];
    if (info.family === 'rsa') {
      publicTemplate.push(
        { type: pkcs11js.CKA_MODULUS_BITS, value: info.modulusBits ?? 4096 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([0x01, 0x00, 0x01]) },
      );
    } else {
      publicTemplate.push({ type: pkcs11js.CKA_EC_PARAMS, value: ecParamsFor(algorithm) });
    }
    const privateTemplate: Template = [...common, ...signOnlyTemplate(ts.library, info.family, mechanisms)];

    let pair: { publicKey: Buffer; privateKey: Buffer };
    try {
      // Async: RSA generation can take seconds on a real token; keep the event loop (and UI) free.
      pair = await pkcs11.C_GenerateKeyPairAsync(session, { mechanism: plan.mechanism }, publicTemplate, privateTemplate);
    } catch (e) {
      throw toPkcs11KeyError(e, `generating an ${algorithm} key pair`, name);
    }

    try {
      const [sensitive, extractable, alwaysSensitive, neverExtractable] = readBooleans(
        pkcs11,
        session,
        pair.privateKey,
        [pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_ALWAYS_SENSITIVE, pkcs11js.CKA_NEVER_EXTRACTABLE],
        name,
      ) as [boolean, boolean, boolean, boolean];
      if (!sensitive || extractable || !alwaysSensitive || !neverExtractable) {
        throw new KeyError(
          'PKCS11_KEY_EXTRACTABLE',
          `token ${name} made key ${label} with sensitive=${sensitive}, extractable=${extractable}, always-sensitive=${alwaysSensitive}, never-extractable=${neverExtractable}; it was destroyed`,
          'check',
        );
      }
      const spki = readPublicKeySpki(algorithm, pkcs11, session, pair.publicKey, name);
      return {
        spki,
        location: { tokenSerial: ts.token.serial, tokenLabel: ts.token.label, id: id.toString('hex'), sensitive, extractable },
      };
    } catch (e) {
      // Leave no half-accepted key behind to be found by label later.
      destroyQuietly(pkcs11, session, [pair.privateKey, pair.publicKey]);
      throw e;
    }
  } finally {
    ts.close();
  }
}
