import type { LoadedCa } from '../ca/certificate-authority.js';
import { CeremonyError } from './ceremony-errors.js';
import type { CrlScript, IntermediateScript, RootScript } from './ceremony-script-schema.js';

/** Boulder's bounds, as named checks that run before anyone is asked to acknowledge anything. */
export const ROOT_MAX_VALIDITY_DAYS = 25 * 365 + 6;
export const INTERMEDIATE_MAX_VALIDITY_DAYS = 8 * 365 + 2;
export const CRL_MAX_NEXT_UPDATE_DAYS = 365;
const DAY = 86_400_000;

/** The bound the root's certificate is held to: 25 years, or the script's own with its written reason. */
export function rootValidityBound(script: RootScript): number {
  const bound = script.guards?.maxValidityDays ?? ROOT_MAX_VALIDITY_DAYS;
  if (script.certificate.validityDays > bound) {
    throw new CeremonyError(
      'CEREMONY_GUARD',
      script.guards
        ? `certificate.validityDays ${script.certificate.validityDays} exceeds the script's own guards.maxValidityDays ${bound}`
        : `certificate.validityDays ${script.certificate.validityDays} exceeds the 25-year root bound (${bound} days); raise it with guards.maxValidityDays and a written reason`,
      'check',
    );
  }
  return bound;
}

/** A CRL's nextUpdate: within 12 months, and not beyond the issuer's own notAfter. */
export function checkCrlNextUpdate(script: CrlScript, ca: LoadedCa, now: Date): void {
  const days = script.crl.nextUpdateDays;
  if (days > CRL_MAX_NEXT_UPDATE_DAYS)
    throw new CeremonyError('CEREMONY_GUARD', `crl.nextUpdateDays ${days} exceeds ${CRL_MAX_NEXT_UPDATE_DAYS} days`, 'check');
  const nextUpdate = new Date(now.getTime() + days * DAY);
  if (nextUpdate > ca.certificate.notAfter) {
    throw new CeremonyError(
      'CEREMONY_GUARD',
      `the CRL's nextUpdate ${nextUpdate.toISOString()} would be after CA "${script.crl.ca}" expires (${ca.certificate.notAfter.toISOString()})`,
      'check',
    );
  }
}

/**
 * The bound an intermediate is held to: 8 years, or the script's own with its written
 * reason; and never beyond its parent's notAfter (a certificate that outlives its issuer
 * is refused here, before anyone is asked to sign).
 */
export function intermediateValidityBound(script: IntermediateScript, parent: LoadedCa, now: Date): number {
  const { validityDays, parent: name } = script.intermediate;
  const bound = script.guards?.maxValidityDays ?? INTERMEDIATE_MAX_VALIDITY_DAYS;
  if (validityDays > bound) {
    throw new CeremonyError(
      'CEREMONY_GUARD',
      script.guards
        ? `intermediate.validityDays ${validityDays} exceeds the script's own guards.maxValidityDays ${bound}`
        : `intermediate.validityDays ${validityDays} exceeds the 8-year intermediate bound (${bound} days); raise it with guards.maxValidityDays and a written reason`,
      'check',
    );
  }
  const notAfter = new Date(now.getTime() + validityDays * DAY);
  if (notAfter > parent.certificate.notAfter) {
    throw new CeremonyError(
      'CEREMONY_GUARD',
      `the intermediate would be valid until ${notAfter.toISOString()}, after its parent "${name}" expires (${parent.certificate.notAfter.toISOString()})`,
      'check',
    );
  }
  return bound;
}
