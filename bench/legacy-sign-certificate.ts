import type { SigningKey } from '../main/keys/signing-key.js';
import { bitString, sequence } from '../main/x509/der/der-writer.js';
import type { CertificateTemplate } from '../main/x509/certificate-template.js';
import { parseCertificate, parseTbs, type CertificateFacts } from '../main/x509/certificate-facts.js';
import { assertLintPassed, lintCertificate } from '../main/x509/lint/lint-certificate.js';
import { signatureAlgorithmFor } from '../main/x509/signature-algorithm.js';
import { encodeTbsCertificate } from '../main/x509/tbs-certificate.js';
import { verifyX509Signature } from '../main/x509/verify-signature.js';

/**
 * signCertificate as it was before the prepared issuer (commit 00749de), kept only as the
 * bench's "before" reference: facts from asn1-x509 for the TBS and again for the whole
 * certificate, the signature always on the libuv pool, the signer's key loaded per call.
 * (Its key.supported lint now benefits from the verdict cache on its second pass, so it is
 * slightly faster than the original was.)
 */
export async function legacySignCertificate(template: CertificateTemplate, signer: SigningKey, issuer: CertificateFacts): Promise<void> {
  const sigAlg = signatureAlgorithmFor(signer.algorithm);
  const tbs = encodeTbsCertificate(template, sigAlg.der);
  const ctx = { profile: template.profile, issuer, signerAlgorithm: signer.algorithm };
  assertLintPassed(lintCertificate(parseTbs(tbs), ctx), 'the to-be-signed certificate');
  const signature = await signer.sign(tbs);
  if (!verifyX509Signature(signer.algorithm, signer.spki, tbs, signature)) throw new Error('signature does not verify');
  const certificate = parseCertificate(sequence(tbs, sigAlg.der, bitString(signature)));
  if (!certificate.tbsDer.equals(tbs)) throw new Error('TBS changed');
  assertLintPassed(lintCertificate(certificate, ctx), 'the signed certificate');
}
