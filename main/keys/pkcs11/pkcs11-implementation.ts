/**
 * Which PKCS#11 implementation a module is, from its C_GetInfo. Tokens are driven by what
 * they report (mechanism lists, sizes), but a few behaviours cannot be asked: a TPM's
 * wrong-PIN limit is the whole TPM's dictionary-attack lockout, not the token's PIN
 * counter, and a TPM cannot take an imported private key (it only holds keys it made).
 * Those, and only those, are decided by the implementation.
 */
export type Pkcs11Implementation = 'tpm2-pkcs11' | 'nss-softokn' | 'softhsm2' | 'other';

export interface Pkcs11LibraryInfo {
  readonly manufacturer: string;
  readonly description: string;
  readonly implementation: Pkcs11Implementation;
}

/** Fixed-width PKCS#11 text: blank-padded, and some modules pad with NULs. */
export function pkcs11Text(raw: string): string {
  // eslint-disable-next-line no-control-regex -- a token's label bytes may hold controls: this replaces them
  const controls = /[\u0000-\u001f\u007f]/g;
  return raw.replace(controls, ' ').replace(/\s+$/, '').replace(/^\s+/, '');
}

export function identifyImplementation(info: { manufacturerID: string; libraryDescription: string }): Pkcs11LibraryInfo {
  const manufacturer = pkcs11Text(info.manufacturerID);
  const description = pkcs11Text(info.libraryDescription);
  const implementation: Pkcs11Implementation = /tpm2-software/i.test(manufacturer)
    ? 'tpm2-pkcs11'
    : /mozilla/i.test(manufacturer) && /NSS/.test(description)
      ? 'nss-softokn'
      : /softhsm/i.test(manufacturer) || /softhsm/i.test(description)
        ? 'softhsm2'
        : 'other';
  return { manufacturer, description, implementation };
}
