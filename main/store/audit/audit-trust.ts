import { createHash } from 'node:crypto';
import type { KeyAlgorithm } from '../../keys/key-algorithm.js';
import { parseCertificate } from '../../x509/certificate-facts.js';
import { certificateDer } from '../../x509/certificate-input.js';
import { OID } from '../../x509/oids.js';
import { keyAlgorithmOfSpki } from '../../x509/spki-key-algorithm.js';
import { verifyX509Signature } from '../../x509/verify-signature.js';
import { HallmarkError } from '../../errors/hallmark-error.js';
import { AuditCheckpointError } from './audit-errors.js';

/** An audit key a verifier trusts, read from its AUDIT-CERT. */
export interface AuditTrust {
  readonly spki: Buffer;
  readonly spkiSha256: string;
  readonly algorithm: KeyAlgorithm;
  /** the workspace the certificate was made for (its subject serialNumber) */
  readonly workspaceId: string;
  readonly certificateSha256: string;
}

/**
 * Accepts only what create-audit-key.ts makes: a self-signed end-entity certificate whose
 * signature verifies, with the audit-signing EKU and the workspace id as subject
 * serialNumber. A CA or manifest-signer certificate is refused, so `--trust` cannot be
 * pointed at a key that signs other things.
 */
export function auditTrustFromCertificate(input: Buffer): AuditTrust {
  let cert;
  try {
    cert = parseCertificate(certificateDer(input));
  } catch (e) {
    throw new AuditCheckpointError(
      'AUDIT_CERT_INVALID',
      `the audit certificate cannot be read: ${e instanceof HallmarkError ? e.message : 'not a certificate'}`,
      'input',
    );
  }
  if (cert.basicConstraints?.ca) throw new AuditCheckpointError('AUDIT_CERT_INVALID', 'the audit certificate is a CA certificate, not an audit key', 'input');
  if (!cert.extendedKeyUsage?.includes(OID.kpHallmarkAuditSigning)) {
    throw new AuditCheckpointError(
      'AUDIT_CERT_INVALID',
      'the certificate lacks the Hallmark audit-signing extended key usage: it is not an audit key certificate',
      'input',
    );
  }
  const algorithm = keyAlgorithmOfSpki(cert.spki);
  if (!algorithm) throw new AuditCheckpointError('AUDIT_CERT_INVALID', 'the audit certificate holds a public key of an unsupported algorithm', 'input');
  if (!cert.issuerDer.equals(cert.subjectDer) || !verifyX509Signature(algorithm, cert.spki, cert.tbsDer, cert.signature)) {
    throw new AuditCheckpointError('AUDIT_CERT_INVALID', 'the audit certificate is not self-signed by its own key (its signature does not verify)', 'input');
  }
  const workspaceId = cert.subject.find((a) => a.oid === OID.serialNumber)?.value;
  if (!workspaceId) throw new AuditCheckpointError('AUDIT_CERT_INVALID', 'the audit certificate does not name its workspace (subject serialNumber)', 'input');
  return {
    spki: cert.spki,
    spkiSha256: createHash('sha256').update(cert.spki).digest('hex'),
    algorithm,
    workspaceId,
    certificateSha256: cert.sha256,
  };
}
