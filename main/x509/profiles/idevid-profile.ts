import { OID } from '../oids.js';
import { basicConstraints } from '../extensions/basic-constraints.js';
import { authorityKeyIdentifier, keyIdentifier, subjectKeyIdentifier } from '../extensions/key-identifier.js';
import { keyUsage, type KeyUsage } from '../extensions/key-usage.js';
import { masaUrl, subjectAltName, type HardwareModuleName } from '../extensions/subject-alt-name.js';
import type { Extension } from '../extensions/extension.js';
import { X509Error } from '../x509-errors.js';
import { IA5_PATTERN } from '../der/der-writer.js';

/** A product's extra extension, given by OID with its DER value (for example a firmware-class marker). */
export interface CustomExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Buffer;
}

export interface IdevidOptions {
  readonly hardwareModuleName: HardwareModuleName;
  /** BRSKI MASA URL (id-pe-masa-url) */
  readonly masaUrl?: string;
  /** add keyAgreement to digitalSignature (devices that use ECDH with their IDevID key) */
  readonly keyAgreement?: boolean;
  readonly customExtensions?: readonly CustomExtension[];
}

/** TPM 2.0 hwType (TCG), the usual choice for devices with a TPM; products name their own. */
export const HW_TYPE_TPM2 = '2.23.133.1.2';

/**
 * IEEE 802.1AR IDevID: end entity; keyUsage digitalSignature (BRSKI recommends no further
 * restriction) plus keyAgreement when asked; SAN otherName hardwareModuleName; AKI required,
 * SKI included; optional MASA URL and product extensions.
 */
export function idevidExtensions(spki: Buffer, issuerSpki: Buffer, options: IdevidOptions): Extension[] {
  const usages: KeyUsage[] = options.keyAgreement ? ['digitalSignature', 'keyAgreement'] : ['digitalSignature'];
  const ext: Extension[] = [
    basicConstraints(false),
    keyUsage(usages),
    subjectAltName([{ kind: 'hardwareModuleName', value: options.hardwareModuleName }]),
    subjectKeyIdentifier(spki),
    authorityKeyIdentifier(keyIdentifier(issuerSpki)),
  ];
  if (options.masaUrl !== undefined) {
    if (options.masaUrl === '' || !IA5_PATTERN.test(options.masaUrl) || /\s/.test(options.masaUrl)) {
      throw new X509Error('EXTENSION_INVALID', `MASA URL "${options.masaUrl}" must be a non-empty ASCII URI without spaces`);
    }
    ext.push(masaUrl(options.masaUrl));
  }
  for (const c of options.customExtensions ?? []) {
    if (Object.values(OID).includes(c.oid as never)) {
      throw new X509Error('EXTENSION_INVALID', `custom extension ${c.oid} collides with an extension the profile sets itself`);
    }
    ext.push({ oid: c.oid, critical: c.critical, value: c.value });
  }
  return ext;
}
