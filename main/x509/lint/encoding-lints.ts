import { OID } from '../oids.js';
import { error, type Lint } from './lint-types.js';

const YEAR_2050 = Date.UTC(2050, 0, 1);

export const encodingLints: Lint[] = [
  {
    rule: 'version.v3',
    description: 'certificates with extensions are version 3 (RFC 5280 §4.1.2.1)',
    check: (c) => (c.version === 2 ? [] : [error('version.v3', `version is v${c.version + 1}, must be v3`)]),
  },
  {
    rule: 'serial.positive-and-short',
    description: 'serial is a positive INTEGER of at most 20 octets (RFC 5280 §4.1.2.2)',
    check: (c) => {
      const out = [];
      if (c.serial.length === 0 || (c.serial[0]! & 0x80) !== 0) out.push(error('serial.positive-and-short', 'serial number is not positive'));
      if (c.serial.every((b) => b === 0)) out.push(error('serial.positive-and-short', 'serial number is zero'));
      if (c.serial.length > 20) out.push(error('serial.positive-and-short', `serial number is ${c.serial.length} octets, more than 20`));
      return out;
    },
  },
  {
    rule: 'serial.entropy',
    description: 'serial carries at least 64 bits from a CSPRNG (CA/B BR §7.1)',
    check: (c) => {
      const significant = c.serial[0] === 0 ? c.serial.length - 1 : c.serial.length;
      return significant < 9 ? [error('serial.entropy', `serial number has ${significant} octets; at least 9 are needed for 64 random bits`)] : [];
    },
  },
  {
    rule: 'validity.time-encoding',
    description: 'UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)',
    check: (c) => {
      const out = [];
      for (const [name, date, enc] of [
        ['notBefore', c.notBefore, c.notBeforeEncoding],
        ['notAfter', c.notAfter, c.notAfterEncoding],
      ] as const) {
        const want = date.getTime() < YEAR_2050 ? 'utc' : 'generalized';
        if (enc !== want)
          out.push(error('validity.time-encoding', `${name} ${date.toISOString()} is encoded as ${enc === 'utc' ? 'UTCTime' : 'GeneralizedTime'}`));
      }
      return out;
    },
  },
  {
    rule: 'extensions.no-duplicates',
    description: 'no extension appears twice (RFC 5280 §4.2)',
    check: (c) => {
      const seen = new Set<string>();
      const out = [];
      for (const e of c.extensions) {
        if (seen.has(e.oid)) out.push(error('extensions.no-duplicates', `extension ${e.oid} appears more than once`));
        seen.add(e.oid);
      }
      return out;
    },
  },
  {
    rule: 'extensions.criticality',
    description: 'basicConstraints and keyUsage critical, key identifiers non-critical, SAN non-critical when the subject is not empty',
    check: (c) => {
      const out = [];
      const crit = new Map(c.extensions.map((e) => [e.oid, e.critical]));
      if (crit.get(OID.keyUsage) === false) out.push(error('extensions.criticality', 'keyUsage must be critical'));
      if (c.basicConstraints?.ca && crit.get(OID.basicConstraints) === false)
        out.push(error('extensions.criticality', 'basicConstraints must be critical in a CA certificate'));
      if (crit.get(OID.subjectKeyIdentifier) === true) out.push(error('extensions.criticality', 'subjectKeyIdentifier must not be critical'));
      if (crit.get(OID.authorityKeyIdentifier) === true) out.push(error('extensions.criticality', 'authorityKeyIdentifier must not be critical'));
      if (crit.get(OID.nameConstraints) === false) out.push(error('extensions.criticality', 'nameConstraints must be critical'));
      if (crit.get(OID.subjectAltName) === true && c.subject.length > 0)
        out.push(error('extensions.criticality', 'subjectAltName must not be critical when the subject is not empty'));
      if (crit.get(OID.masaUrl) === true) out.push(error('extensions.criticality', 'id-pe-masa-url must not be critical (RFC 8995)'));
      return out;
    },
  },
  {
    rule: 'signature.algorithm-matches-key',
    description: 'the TBS signature algorithm is the one the signing key makes, with the parameters its RFC requires',
    check: (c, ctx) => {
      const expected: Record<string, string> = {
        'ecdsa-p256': OID.ecdsaWithSha256,
        'ecdsa-p384': OID.ecdsaWithSha384,
        ed25519: OID.ed25519,
        'rsa-2048': OID.sha256WithRsa,
        'rsa-3072': OID.sha256WithRsa,
        'rsa-4096': OID.sha256WithRsa,
      };
      const want = expected[ctx.signerAlgorithm];
      const out = [];
      if (c.signatureAlgorithm !== want)
        out.push(
          error(
            'signature.algorithm-matches-key',
            `signature algorithm ${c.signatureAlgorithm} does not match the ${ctx.signerAlgorithm} signing key (expected ${want})`,
          ),
        );
      const isRsa = c.signatureAlgorithm === OID.sha256WithRsa;
      if (isRsa && !c.signatureAlgorithmHasParams)
        out.push(error('signature.algorithm-matches-key', 'RSA signature algorithm must carry NULL parameters (RFC 4055)'));
      if (!isRsa && c.signatureAlgorithmHasParams)
        out.push(error('signature.algorithm-matches-key', 'ECDSA/Ed25519 signature algorithm must have absent parameters (RFC 5758, RFC 8410)'));
      return out;
    },
  },
];
