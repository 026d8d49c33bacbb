import { describe, expect, it } from 'vitest';
import { identifyImplementation, pkcs11Text } from '../../main/keys/pkcs11/pkcs11-implementation.js';
import { checkLibraryParameters } from '../../main/keys/pkcs11/pkcs11-library-parameters.js';
import { planKeyGeneration } from '../../main/keys/pkcs11/pkcs11-mechanisms.js';
import pkcs11js from 'pkcs11js';

describe('PKCS#11 implementations and their inputs', () => {
  it('names the implementation from C_GetInfo as the three tested modules report it', () => {
    expect(identifyImplementation({ manufacturerID: 'tpm2-software.github.io         ', libraryDescription: 'TPM2.0 Cryptoki                 ' })).toEqual({
      manufacturer: 'tpm2-software.github.io',
      description: 'TPM2.0 Cryptoki',
      implementation: 'tpm2-pkcs11',
    });
    expect(
      identifyImplementation({ manufacturerID: 'Mozilla Foundation              ', libraryDescription: 'NSS Internal Crypto Services    ' }).implementation,
    ).toBe('nss-softokn');
    expect(
      identifyImplementation({ manufacturerID: 'SoftHSM                         ', libraryDescription: 'Implementation of PKCS11        ' }).implementation,
    ).toBe('softhsm2');
    expect(identifyImplementation({ manufacturerID: 'Acme HSM', libraryDescription: 'x' }).implementation).toBe('other');
  });

  it('strips blank and NUL padding from fixed-width text (tpm2-pkcs11 pads the model with NULs)', () => {
    expect(pkcs11Text('SW   TPM\u0000\u0000\u0000\u0000')).toBe('SW   TPM');
  });

  it('accepts one line of library parameters and refuses control characters, empty and oversized text without echoing it', () => {
    const ok = "configdir='sql:/var/lib/nss' certPrefix='' keyPrefix='' secmod='secmod.db' flags=";
    expect(checkLibraryParameters(ok, 'the binding')).toBe(ok);
    for (const bad of ['', 'a\nb', 'a\u0000b', 'x'.repeat(1025), 42]) {
      expect(() => checkLibraryParameters(bad, 'the binding')).toThrow(expect.objectContaining({ code: 'PKCS11_PARAMETERS_INVALID' }));
    }
    expect(() => checkLibraryParameters('secret\tvalue', 'the binding')).toThrow(/^(?!.*secret)/);
  });

  it('refuses a key size outside what the token reports for the key-pair mechanism, and ignores sizes reported as 0', () => {
    const mechanisms = [pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN, pkcs11js.CKM_SHA256_RSA_PKCS, pkcs11js.CKM_EC_KEY_PAIR_GEN, pkcs11js.CKM_ECDSA];
    const tpmSizes = (m: number) => (m === pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN ? { min: 1024, max: 3072 } : { min: 192, max: 638 });
    expect(() => planKeyGeneration('rsa-4096', mechanisms, '"t" (serial 1)', tpmSizes)).toThrow(/makes 1024–3072-bit keys, not 4096-bit/);
    expect(planKeyGeneration('rsa-3072', mechanisms, '"t" (serial 1)', tpmSizes).mechanism).toBe(pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN);
    expect(planKeyGeneration('ecdsa-p384', mechanisms, '"t" (serial 1)', tpmSizes).mechanism).toBe(pkcs11js.CKM_EC_KEY_PAIR_GEN);
    expect(planKeyGeneration('rsa-4096', mechanisms, '"t" (serial 1)', () => ({ min: 0, max: 0 })).mechanism).toBe(pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN);
  });
});
