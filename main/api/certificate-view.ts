import type { CertificateView } from '../../preload/api.js';
import { hashWords } from '../ceremony/hash-words.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { describeCertificate } from '../x509/describe-certificate.js';
import { describeForPeople } from '../x509/describe/certificate-description.js';

/**
 * describeCertificate's plain JSON, copied field by field so the contract's type is
 * checked against it, and the certificate in words (`issuerSpki` names the signature's curve when known).
 */
export function certificateView(c: ParsedCertificate, issuerSpki?: Buffer): CertificateView {
  const d = describeCertificate(c);
  return {
    subject: d.subject,
    issuer: d.issuer,
    serial: d.serial,
    notBefore: d.notBefore,
    notAfter: d.notAfter,
    signatureAlgorithm: d.signatureAlgorithm,
    publicKeyAlgorithm: d.publicKeyAlgorithm,
    sha256: d.sha256,
    basicConstraints: d.basicConstraints ? { ...d.basicConstraints } : null,
    keyUsage: d.keyUsage,
    extendedKeyUsage: d.extendedKeyUsage ? [...d.extendedKeyUsage] : null,
    subjectKeyId: d.subjectKeyId,
    authorityKeyId: d.authorityKeyId,
    subjectAltName: d.subjectAltName
      ? {
          dns: [...d.subjectAltName.dns],
          uris: [...d.subjectAltName.uris],
          hardwareModuleNames: d.subjectAltName.hardwareModuleNames,
          other: [...d.subjectAltName.other],
        }
      : null,
    masaUrl: d.masaUrl,
    extensions: d.extensions,
    description: describeForPeople(c, issuerSpki),
    sha256Words: hashWords(c.sha256),
  };
}
