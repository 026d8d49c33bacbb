import type { CertificateFacts } from './certificate-facts.js';
import type { ProfileName } from './certificate-template.js';
import { OID } from './oids.js';
import { matterIdsOf } from './matter/matter-ids.js';

/** Which of our profiles a certificate looks like, for linting a file made elsewhere. */
export function detectProfile(c: CertificateFacts): ProfileName {
  const ids = matterIdsOf(c.subject, true);
  if (ids.vendorIds.length || ids.productIds.length) {
    if (c.basicConstraints?.ca) return c.issuerDer.equals(c.subjectDer) ? 'matter-paa' : 'matter-pai';
    return 'matter-dac';
  }
  if (c.basicConstraints?.ca) return c.issuerDer.equals(c.subjectDer) ? 'root' : 'intermediate';
  if (c.extendedKeyUsage?.includes(OID.kpHallmarkManifestSigning)) return 'manifest-signer';
  if (c.extendedKeyUsage?.includes(OID.kpHallmarkAuditSigning)) return 'audit-signer';
  if (c.extendedKeyUsage?.includes(OID.kpHallmarkRevocationRequestSigning)) return 'revocation-requester';
  if (c.san?.hardwareModuleNames.length) return 'idevid';
  if (c.keyUsage?.has('cRLSign')) return 'crl-signer';
  return 'idevid';
}
