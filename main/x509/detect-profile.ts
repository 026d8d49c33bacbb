import type { CertificateFacts } from './certificate-facts.js';
import type { ProfileName } from './certificate-template.js';
import { OID } from './oids.js';

/** Which of our profiles a certificate looks like, for linting a file made elsewhere. */
export function detectProfile(c: CertificateFacts): ProfileName {
  if (c.basicConstraints?.ca) return c.issuerDer.equals(c.subjectDer) ? 'root' : 'intermediate';
  if (c.extendedKeyUsage?.includes(OID.kpHallmarkManifestSigning)) return 'manifest-signer';
  if (c.san?.hardwareModuleNames.length) return 'idevid';
  if (c.keyUsage?.has('cRLSign')) return 'crl-signer';
  return 'idevid';
}
