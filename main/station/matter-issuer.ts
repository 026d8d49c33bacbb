import type { CertificateFacts } from '../x509/certificate-facts.js';
import { matterIdsOf } from '../x509/matter/matter-ids.js';
import { StationError } from './station-errors.js';

/**
 * A Matter policy's issuing CA must be a PAI for its product: a CA carrying the policy's
 * VendorID, and the policy's ProductID when it carries one. Refused with the rule named
 * before anything is signed.
 */
export function assertMatterIssuer(matter: { vendorId: string; productId: string }, pai: CertificateFacts): void {
  const ids = matterIdsOf(pai.subject, false);
  const vid = ids.vendorIds[0]?.value;
  const pid = ids.productIds[0]?.value;
  if (!pai.basicConstraints?.ca || vid === undefined) {
    throw new StationError('POLICY_INVALID', '[matter.vid-matches-issuer] the issuing CA of a Matter product must be a PAI carrying a VendorID', 'input', {
      rule: 'matter.vid-matches-issuer',
    });
  }
  if (vid !== matter.vendorId) {
    throw new StationError('POLICY_INVALID', `[matter.vid-matches-issuer] the policy's VendorID ${matter.vendorId} differs from the PAI's ${vid}`, 'input', {
      rule: 'matter.vid-matches-issuer',
    });
  }
  if (pid !== undefined && pid !== matter.productId) {
    throw new StationError('POLICY_INVALID', `[matter.pid-matches-issuer] the policy's ProductID ${matter.productId} is outside the PAI's (${pid})`, 'input', {
      rule: 'matter.pid-matches-issuer',
    });
  }
}
