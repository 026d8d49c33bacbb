import { basicConstraints } from '../extensions/basic-constraints.js';
import { authorityKeyIdentifier, keyIdentifier, subjectKeyIdentifier } from '../extensions/key-identifier.js';
import { keyUsage } from '../extensions/key-usage.js';
import type { Extension } from '../extensions/extension.js';
import { X509Error } from '../x509-errors.js';

/**
 * Matter device attestation (Matter Core spec §6.2.2). Subjects carry the VendorID /
 * ProductID attributes (distinguished-name.ts); the rules are in matter/matter-rules.ts.
 *
 * PAA: a self-signed root; basicConstraints critical cA=TRUE with pathLen absent or 1;
 * keyUsage critical keyCertSign + cRLSign; SKI.
 */
export function matterPaaExtensions(spki: Buffer, pathLen?: number): Extension[] {
  if (pathLen !== undefined && pathLen !== 1) {
    throw new X509Error('MATTER_RULE', `[matter.basic-constraints] a PAA's pathLenConstraint must be absent or 1, not ${pathLen}`, 'input', {
      rule: 'matter.basic-constraints',
    });
  }
  return [basicConstraints(true, pathLen), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(spki)];
}

/** PAI: cA=TRUE, pathLen 0; keyUsage critical keyCertSign + cRLSign; SKI and AKI. */
export function matterPaiExtensions(spki: Buffer, issuerSpki: Buffer): Extension[] {
  return [basicConstraints(true, 0), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(spki), authorityKeyIdentifier(keyIdentifier(issuerSpki))];
}

/** DAC: cA=FALSE (critical), keyUsage critical exactly digitalSignature; SKI and AKI. Nothing else. */
export function matterDacExtensions(spki: Buffer, issuerSpki: Buffer): Extension[] {
  return [basicConstraints(false), keyUsage(['digitalSignature']), subjectKeyIdentifier(spki), authorityKeyIdentifier(keyIdentifier(issuerSpki))];
}
