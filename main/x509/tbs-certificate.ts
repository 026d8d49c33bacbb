import { contextTag, sequence, smallInteger, unsignedInteger } from './der/der-writer.js';
import { encodeExtension } from './extensions/extension.js';
import type { CertificateTemplate } from './certificate-template.js';
import { encodeValidity } from './validity.js';

/** Encodes the to-be-signed part of an X.509 v3 certificate (RFC 5280 §4.1). */
export function encodeTbsCertificate(template: CertificateTemplate, signatureAlgorithmDer: Buffer): Buffer {
  return sequence(
    contextTag(0, smallInteger(2), true),
    unsignedInteger(template.serial),
    signatureAlgorithmDer,
    template.issuerName,
    encodeValidity(template.notBefore, template.notAfter),
    template.subjectName,
    template.subjectSpki,
    contextTag(3, sequence(...template.extensions.map(encodeExtension)), true),
  );
}
