import { NO_WELL_DEFINED_EXPIRATION } from '../validity.js';
import { error, warning, type Lint } from './lint-types.js';

const CA_PROFILES = new Set(['root', 'intermediate', 'matter-paa', 'matter-pai']);
const DAY = 86_400_000;

export const caLints: Lint[] = [
  {
    rule: 'basic-constraints.matches-profile',
    description: 'CA profiles assert cA=TRUE; every other profile is an end entity',
    check: (c, ctx) => {
      const isCa = CA_PROFILES.has(ctx.profile);
      if (isCa && !c.basicConstraints?.ca)
        return [error('basic-constraints.matches-profile', `a ${ctx.profile} certificate must have basicConstraints cA=TRUE`)];
      if (!isCa && c.basicConstraints?.ca) return [error('basic-constraints.matches-profile', `a ${ctx.profile} certificate must not be a CA`)];
      return [];
    },
  },
  {
    rule: 'key-usage.consistent-with-ca',
    description: 'keyCertSign exactly when cA=TRUE; a CA signs CRLs; keyUsage present',
    check: (c) => {
      if (!c.keyUsage) return [error('key-usage.consistent-with-ca', 'keyUsage is missing')];
      const out = [];
      const ca = c.basicConstraints?.ca === true;
      if (ca && !c.keyUsage.has('keyCertSign')) out.push(error('key-usage.consistent-with-ca', 'a CA certificate must assert keyCertSign'));
      if (!ca && c.keyUsage.has('keyCertSign'))
        out.push(error('key-usage.consistent-with-ca', 'keyCertSign is asserted but basicConstraints cA is not TRUE (RFC 5280 §4.2.1.3)'));
      if (ca && !c.keyUsage.has('cRLSign')) out.push(warning('key-usage.consistent-with-ca', 'a CA certificate without cRLSign cannot sign its own CRLs'));
      if (c.basicConstraints?.pathLen !== undefined && !c.keyUsage.has('keyCertSign'))
        out.push(error('key-usage.consistent-with-ca', 'pathLenConstraint without keyCertSign (RFC 5280 §4.2.1.9)'));
      return out;
    },
  },
  {
    rule: 'path-length.allowed-by-issuer',
    description: "a CA certificate fits under its issuer's pathLenConstraint",
    check: (c, ctx) => {
      if (!ctx.issuer || !c.basicConstraints?.ca) return [];
      const issuerLen = ctx.issuer.basicConstraints?.pathLen;
      if (issuerLen === undefined) return [];
      if (issuerLen === 0) return [error('path-length.allowed-by-issuer', 'the issuer has pathLenConstraint 0 and cannot issue CA certificates')];
      const mine = c.basicConstraints.pathLen;
      if (mine === undefined || mine > issuerLen - 1) {
        return [
          error(
            'path-length.allowed-by-issuer',
            `pathLenConstraint must be at most ${issuerLen - 1} under an issuer with ${issuerLen} (got ${mine ?? 'unlimited'})`,
          ),
        ];
      }
      return [];
    },
  },
  {
    rule: 'issuer.is-ca',
    description: 'the issuer is a CA allowed to sign certificates',
    check: (_c, ctx) => {
      if (!ctx.issuer) return [];
      const out = [];
      if (!ctx.issuer.basicConstraints?.ca) out.push(error('issuer.is-ca', 'the issuer certificate is not a CA'));
      if (ctx.issuer.keyUsage && !ctx.issuer.keyUsage.has('keyCertSign')) out.push(error('issuer.is-ca', 'the issuer certificate does not allow keyCertSign'));
      return out;
    },
  },
  {
    rule: 'key-identifiers.present',
    description: 'CA certificates carry a subjectKeyIdentifier; every certificate not self-signed carries an AKI equal to its issuer SKI',
    check: (c, ctx) => {
      const out = [];
      if (c.basicConstraints?.ca && !c.subjectKeyId)
        out.push(error('key-identifiers.present', 'a CA certificate must have a subjectKeyIdentifier (RFC 5280 §4.2.1.2)'));
      if (ctx.issuer) {
        if (!c.authorityKeyId) out.push(error('key-identifiers.present', 'authorityKeyIdentifier is required (RFC 5280 §4.2.1.1, 802.1AR)'));
        else if (ctx.issuer.subjectKeyId && !c.authorityKeyId.equals(ctx.issuer.subjectKeyId)) {
          out.push(error('key-identifiers.present', "authorityKeyIdentifier does not equal the issuer's subjectKeyIdentifier"));
        }
      }
      return out;
    },
  },
  {
    rule: 'issuer.name-matches',
    description: "the issuer field is byte-identical to the issuer certificate's subject (or to the subject when self-signed)",
    check: (c, ctx) => {
      const expected = ctx.issuer ? ctx.issuer.subjectDer : c.subjectDer;
      return c.issuerDer.equals(expected) ? [] : [error('issuer.name-matches', "the issuer name differs from the issuing CA's subject")];
    },
  },
  {
    rule: 'validity.ordered',
    description: 'notBefore is before notAfter',
    check: (c) => (c.notBefore < c.notAfter ? [] : [error('validity.ordered', 'notBefore is not before notAfter')]),
  },
  {
    rule: 'validity.within-issuer',
    description: "the validity lies inside the issuer's",
    check: (c, ctx) => {
      if (!ctx.issuer) return [];
      const out = [];
      if (c.notBefore < ctx.issuer.notBefore)
        out.push(error('validity.within-issuer', `notBefore ${c.notBefore.toISOString()} is before the issuer's ${ctx.issuer.notBefore.toISOString()}`));
      if (c.notAfter > ctx.issuer.notAfter) {
        // 802.1AR's "no well-defined expiration" outlives any issuing CA by design; say so, don't block.
        // Matter allows the same 99991231235959Z for PAA, PAI and DAC and verifies a chain as of the DAC's notBefore.
        const noExpiry = (ctx.profile === 'idevid' || ctx.profile.startsWith('matter-')) && c.notAfter.getTime() === NO_WELL_DEFINED_EXPIRATION.getTime();
        const message = `notAfter ${c.notAfter.toISOString()} is after the issuer's ${ctx.issuer.notAfter.toISOString()}`;
        out.push(noExpiry ? warning('validity.within-issuer', `${message} (no well-defined expiration)`) : error('validity.within-issuer', message));
      }
      return out;
    },
  },
  {
    rule: 'validity.maximum',
    description: 'root CAs (and PAAs) at most 25 years, intermediates (and PAIs) at most 8, unless the caller set another bound',
    check: (c, ctx) => {
      const rootLike = ctx.profile === 'root' || ctx.profile === 'matter-paa';
      const intermediateLike = ctx.profile === 'intermediate' || ctx.profile === 'matter-pai';
      const limitDays = ctx.maxValidityDays ?? (rootLike ? 25 * 365 + 6 : intermediateLike ? 8 * 365 + 2 : undefined);
      if (limitDays === undefined) return [];
      // Matter's 99991231235959Z is a deliberate "no expiry", not a long validity.
      if (ctx.profile.startsWith('matter-') && c.notAfter.getTime() === NO_WELL_DEFINED_EXPIRATION.getTime()) return [];
      const days = (c.notAfter.getTime() - c.notBefore.getTime()) / DAY;
      return days > limitDays
        ? [error('validity.maximum', `a ${ctx.profile} certificate valid for ${Math.round(days)} days exceeds the ${limitDays}-day limit`)]
        : [];
    },
  },
];
