import { HallmarkError } from '../errors/hallmark-error.js';
import { parseCertificate, type ParsedCertificate } from '../x509/certificate-facts.js';
import { certificateDer } from '../x509/certificate-input.js';
import { OID } from '../x509/oids.js';
import { keyAlgorithmOfSpki } from '../x509/spki-key-algorithm.js';
import { verifyX509Signature } from '../x509/verify-signature.js';
import { RevocationError } from './revocation-errors.js';

/**
 * The inventory certificate the CA side trusts for revocation requests (`--requests-trust`).
 * Accepts only what create-inventory-key.ts makes: a self-signed end entity whose signature
 * verifies, with the revocation-request EKU and the workspace id as subject serialNumber; a
 * CA, manifest-signer or audit certificate is refused, so the option cannot be pointed at a
 * key that signs other things.
 */
export function inventoryTrustFromCertificate(input: Buffer): { certificate: ParsedCertificate; workspaceId: string } {
  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(certificateDer(input));
  } catch (e) {
    throw new RevocationError(
      'REVOCATION_TRUST_INVALID',
      `the inventory certificate cannot be read: ${e instanceof HallmarkError ? e.message : 'not a certificate'}`,
    );
  }
  if (cert.basicConstraints?.ca) throw new RevocationError('REVOCATION_TRUST_INVALID', 'the inventory certificate is a CA certificate, not an inventory key');
  if (!cert.extendedKeyUsage?.includes(OID.kpHallmarkRevocationRequestSigning)) {
    throw new RevocationError(
      'REVOCATION_TRUST_INVALID',
      'the certificate lacks the Hallmark revocation-request extended key usage: it is not an inventory key certificate',
    );
  }
  const algorithm = keyAlgorithmOfSpki(cert.spki);
  if (!algorithm) throw new RevocationError('REVOCATION_TRUST_INVALID', 'the inventory certificate holds a public key of an unsupported algorithm');
  if (!cert.issuerDer.equals(cert.subjectDer) || !verifyX509Signature(algorithm, cert.spki, cert.tbsDer, cert.signature)) {
    throw new RevocationError('REVOCATION_TRUST_INVALID', 'the inventory certificate is not self-signed by its own key (its signature does not verify)');
  }
  const workspaceId = cert.subject.find((a) => a.oid === OID.serialNumber)?.value;
  if (!workspaceId) throw new RevocationError('REVOCATION_TRUST_INVALID', 'the inventory certificate does not name its workspace (subject serialNumber)');
  return { certificate: cert, workspaceId };
}
