import type { CertificateFacts } from '../certificate-facts.js';
import { parseDer } from '../der/der-reader.js';
import { error, type LintFinding } from '../lint/lint-types.js';
import { OID } from '../oids.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../validity.js';
import { hasLegacyMatterCn, MATTER_ID_PATTERN, matterIdsOf, type MatterIdFound } from './matter-ids.js';

/**
 * Matter's device attestation certificate rules (Matter Core spec §6.2.2; as connectedhomeip's
 * VerifyAttestationCertificateFormat, DefaultDACVerifier and `chip-cert validate-att-cert`
 * apply them), each under a stable name. The lint engine runs them on what Hallmark is
 * about to sign and has signed (lint/matter-lints.ts); verify-attestation-chain.ts runs the
 * same functions on a chain from anywhere.
 */
export type MatterRole = 'paa' | 'pai' | 'dac';

/**
 * 'issue': what Hallmark writes (the legacy CN form is refused); 'verify': what a
 * commissioner accepts (the legacy CN form is read when the attributes are absent).
 */
export type MatterMode = 'issue' | 'verify';

export interface MatterCertificateRule {
  readonly rule: string;
  readonly description: string;
  check(cert: CertificateFacts, role: MatterRole, mode: MatterMode): LintFinding[];
}

/** The certificate, issuer and the issuer's own issuers (PAI then PAA for a DAC), for the matching rules. */
export interface MatterChainRule {
  readonly rule: string;
  readonly description: string;
  check(cert: CertificateFacts, role: MatterRole, issuer: CertificateFacts, above: readonly CertificateFacts[], mode: MatterMode): LintFinding[];
}

export const MATTER_MAX_DER_BYTES = 600;
/** Outer SEQUENCE header (4) + ecdsa-with-SHA256 AlgorithmIdentifier (12) + BIT STRING of the longest P-256 signature (3 + 72). */
const SIGNATURE_OVERHEAD_MAX = 4 + 12 + 75;

const fail = (rule: string, message: string) => [error(rule, message)];
const der = (c: CertificateFacts): Buffer | undefined => ('der' in c && Buffer.isBuffer((c as { der?: unknown }).der) ? (c as { der: Buffer }).der : undefined);
const NAMES: Record<MatterRole, string> = { paa: 'PAA', pai: 'PAI', dac: 'DAC' };

export const MATTER_CERTIFICATE_RULES: readonly MatterCertificateRule[] = [
  {
    rule: 'matter.version-v3',
    description: 'PAA, PAI and DAC are X.509 v3',
    check: (c, role) => (c.version === 2 ? [] : fail('matter.version-v3', `a ${NAMES[role]} must be X.509 v3, this is v${c.version + 1}`)),
  },
  {
    rule: 'matter.signature-ecdsa-sha256',
    description: 'signed with ecdsa-with-SHA256, no parameters',
    check: (c, role) => {
      const out: LintFinding[] = [];
      if (c.signatureAlgorithm !== OID.ecdsaWithSha256 || c.signatureAlgorithmHasParams) {
        out.push(error('matter.signature-ecdsa-sha256', `a ${NAMES[role]} must be signed with ecdsa-with-SHA256 (got ${c.signatureAlgorithm})`));
      }
      const outer = (c as { outerSignatureAlgorithm?: string }).outerSignatureAlgorithm;
      if (outer !== undefined && outer !== OID.ecdsaWithSha256)
        out.push(error('matter.signature-ecdsa-sha256', `the outer signature algorithm is ${outer}, not ecdsa-with-SHA256`));
      return out;
    },
  },
  {
    rule: 'matter.public-key-p256',
    description: 'the subject key is an EC P-256 key (uncompressed point)',
    check: (c, role) => (isP256Spki(c.spki) ? [] : fail('matter.public-key-p256', `a ${NAMES[role]} key must be EC P-256 (prime256v1); this key is not`)),
  },
  {
    rule: 'matter.serial-number',
    description: 'a positive serial of at most 20 octets',
    check: (c) => {
      const s = c.serial;
      if (s.length === 0 || (s[0]! & 0x80) !== 0 || s.every((b) => b === 0)) return fail('matter.serial-number', 'the serial number must be positive');
      if (s.length > 20) return fail('matter.serial-number', `the serial number is ${s.length} octets, more than 20`);
      return [];
    },
  },
  {
    rule: 'matter.subject-key-id',
    description: 'subjectKeyIdentifier present, 20 bytes, non-critical',
    check: (c, role) => keyIdFindings(c, OID.subjectKeyIdentifier, c.subjectKeyId, 'subjectKeyIdentifier', role, true),
  },
  {
    rule: 'matter.authority-key-id',
    description: 'PAI and DAC: authorityKeyIdentifier present (keyIdentifier, 20 bytes), non-critical; a PAA may carry it',
    check: (c, role) => keyIdFindings(c, OID.authorityKeyIdentifier, c.authorityKeyId, 'authorityKeyIdentifier', role, role !== 'paa'),
  },
  {
    rule: 'matter.basic-constraints',
    description: 'critical; PAA cA=TRUE with pathLen absent or 1, PAI cA=TRUE pathLen 0, DAC cA=FALSE without pathLen',
    check: (c, role) => {
      const r = 'matter.basic-constraints';
      const ext = c.extensions.find((e) => e.oid === OID.basicConstraints);
      if (!ext || !c.basicConstraints) return fail(r, `a ${NAMES[role]} must carry basicConstraints`);
      if (!ext.critical) return fail(r, 'basicConstraints must be critical');
      const { ca, pathLen } = c.basicConstraints;
      if (role === 'dac') {
        if (ca) return fail(r, 'a DAC must have cA=FALSE');
        if (pathLen !== undefined) return fail(r, 'a DAC must not carry pathLenConstraint');
        return [];
      }
      if (!ca) return fail(r, `a ${NAMES[role]} must have cA=TRUE`);
      if (role === 'pai' && pathLen !== 0) return fail(r, `a PAI must have pathLenConstraint 0 (got ${pathLen ?? 'absent'})`);
      if (role === 'paa' && pathLen !== undefined && pathLen !== 1) return fail(r, `a PAA's pathLenConstraint must be absent or 1 (got ${pathLen})`);
      return [];
    },
  },
  {
    rule: 'matter.key-usage',
    description: 'critical; PAA/PAI keyCertSign and cRLSign, digitalSignature optional, nothing else; DAC exactly digitalSignature',
    check: (c, role) => {
      const r = 'matter.key-usage';
      const ext = c.extensions.find((e) => e.oid === OID.keyUsage);
      if (!ext || !c.keyUsage) return fail(r, `a ${NAMES[role]} must carry keyUsage`);
      if (!ext.critical) return fail(r, 'keyUsage must be critical');
      const usages = [...c.keyUsage].sort();
      if (role === 'dac') {
        return usages.length === 1 && usages[0] === 'digitalSignature'
          ? []
          : fail(r, `a DAC's keyUsage must be exactly digitalSignature (got ${usages.join(', ') || 'none'})`);
      }
      const out: LintFinding[] = [];
      if (!c.keyUsage.has('keyCertSign') || !c.keyUsage.has('cRLSign')) out.push(error(r, `a ${NAMES[role]} must assert keyCertSign and cRLSign`));
      const extra = usages.filter((u) => !['keyCertSign', 'cRLSign', 'digitalSignature'].includes(u));
      if (extra.length) out.push(error(r, `a ${NAMES[role]} must not assert ${extra.join(', ')}`));
      return out;
    },
  },
  {
    rule: 'matter.vendor-id',
    description: 'VendorID (1.3.6.1.4.1.37244.2.1): at most one, 4 uppercase hex digits in a UTF8String; required in PAI and DAC, optional in a PAA',
    check: (c, role, mode) => idFindings('matter.vendor-id', 'VendorID', matterIdsOf(c.subject, mode === 'verify').vendorIds, role !== 'paa', role),
  },
  {
    rule: 'matter.product-id',
    description:
      'ProductID (1.3.6.1.4.1.37244.2.2): at most one, 4 uppercase hex digits in a UTF8String; required in a DAC, optional in a PAI, forbidden in a PAA',
    check: (c, role, mode) => {
      const found = matterIdsOf(c.subject, mode === 'verify').productIds;
      if (role === 'paa') return found.length ? fail('matter.product-id', 'a PAA must not carry a ProductID') : [];
      return idFindings('matter.product-id', 'ProductID', found, role === 'dac', role);
    },
  },
  {
    rule: 'matter.legacy-cn-not-written',
    description: 'Hallmark never writes the legacy `Mvid:XXXX Mpid:YYYY` CN form (it is only read when verifying)',
    check: (c, _role, mode) =>
      mode === 'issue' && hasLegacyMatterCn(c.subject)
        ? fail('matter.legacy-cn-not-written', 'the CN uses the legacy Mvid:/Mpid: form; Hallmark writes the VendorID/ProductID attributes instead')
        : [],
  },
  {
    rule: 'matter.size',
    description: 'PAI and DAC are at most 600 bytes of DER (before signing: with the longest ECDSA signature)',
    check: (c, role) => {
      if (role === 'paa') return [];
      const whole = der(c);
      const size = whole ? whole.length : c.tbsDer.length + SIGNATURE_OVERHEAD_MAX;
      return size > MATTER_MAX_DER_BYTES
        ? fail('matter.size', `a ${NAMES[role]} must be at most ${MATTER_MAX_DER_BYTES} bytes of DER; this one is ${whole ? '' : 'up to '}${size}`)
        : [];
    },
  },
];

export const MATTER_CHAIN_RULES: readonly MatterChainRule[] = [
  {
    rule: 'matter.vid-matches-issuer',
    description: "a DAC's VendorID equals its PAI's; a PAI's equals its PAA's when the PAA has one",
    check: (c, role, issuer, _above, mode) => {
      if (role === 'paa') return [];
      const mine = single(matterIdsOf(c.subject, mode === 'verify').vendorIds);
      const theirs = single(matterIdsOf(issuer.subject, mode === 'verify').vendorIds);
      if (role === 'dac' && theirs === undefined) return fail('matter.vid-matches-issuer', 'the issuing PAI carries no VendorID');
      if (mine !== undefined && theirs !== undefined && mine !== theirs) {
        return fail('matter.vid-matches-issuer', `the ${NAMES[role]}'s VendorID ${mine} differs from its issuer's ${theirs}`);
      }
      return [];
    },
  },
  {
    rule: 'matter.pid-matches-issuer',
    description: 'when a PAI carries a ProductID, its DACs carry the same',
    check: (c, role, issuer, _above, mode) => {
      if (role !== 'dac') return [];
      const theirs = single(matterIdsOf(issuer.subject, mode === 'verify').productIds);
      const mine = single(matterIdsOf(c.subject, mode === 'verify').productIds);
      if (theirs !== undefined && mine !== undefined && mine !== theirs)
        return fail('matter.pid-matches-issuer', `the DAC's ProductID ${mine} is outside its PAI's (${theirs})`);
      return [];
    },
  },
  {
    rule: 'matter.dac-not-before-in-chain',
    description: "the DAC's notBefore lies inside the PAI's and the PAA's validity (the chain is verified as of that time)",
    check: (c, role, issuer, above) => {
      if (role !== 'dac') return [];
      const t = c.notBefore.getTime();
      return [issuer, ...above].flatMap((ca, i) =>
        t < ca.notBefore.getTime() || t > ca.notAfter.getTime()
          ? [
              error(
                'matter.dac-not-before-in-chain',
                `the DAC's notBefore ${c.notBefore.toISOString()} is outside the ${i === 0 ? 'PAI' : 'PAA'}'s validity ${ca.notBefore.toISOString()} – ${ca.notAfter.toISOString()}`,
              ),
            ]
          : [],
      );
    },
  },
];

export const MATTER_RULE_NAMES: readonly string[] = [...MATTER_CERTIFICATE_RULES, ...MATTER_CHAIN_RULES].map((r) => r.rule);

/** True for Matter's 99991231235959Z, which every Matter certificate may use as notAfter. */
export function isMatterNoExpiry(d: Date): boolean {
  return d.getTime() === NO_WELL_DEFINED_EXPIRATION.getTime();
}

/** SubjectPublicKeyInfo { { id-ecPublicKey, prime256v1 }, BIT STRING 04‖X‖Y } */
export function isP256Spki(spki: Buffer): boolean {
  try {
    const root = parseDer(spki, { maxDepth: 4 });
    const [alg, bits] = root.children;
    if (root.id !== 0x30 || root.children.length !== 2 || alg?.id !== 0x30 || bits?.id !== 0x03) return false;
    const [type, curve] = alg.children;
    if (alg.children.length !== 2 || type?.id !== 0x06 || curve?.id !== 0x06) return false;
    if (type.oid() !== OID.ecPublicKey || curve.oid() !== OID.prime256v1) return false;
    const point = bits.content();
    return point.length === 66 && point[0] === 0 && point[1] === 0x04;
  } catch {
    return false;
  }
}

function keyIdFindings(c: CertificateFacts, oid: string, value: Buffer | undefined, name: string, role: MatterRole, required: boolean): LintFinding[] {
  const rule = oid === OID.subjectKeyIdentifier ? 'matter.subject-key-id' : 'matter.authority-key-id';
  const ext = c.extensions.find((e) => e.oid === oid);
  if (!ext) return required ? fail(rule, `a ${NAMES[role]} must carry ${name}`) : [];
  if (ext.critical) return fail(rule, `${name} must not be critical`);
  if (!value) return fail(rule, `${name} carries no keyIdentifier`);
  if (value.length !== 20) return fail(rule, `${name} must be 20 bytes, this one is ${value.length}`);
  return [];
}

function idFindings(rule: string, what: string, found: readonly MatterIdFound[], required: boolean, role: MatterRole): LintFinding[] {
  if (found.length === 0) return required ? fail(rule, `a ${NAMES[role]} must carry a ${what}`) : [];
  if (found.length > 1) return fail(rule, `a ${NAMES[role]} must carry at most one ${what} (found ${found.length})`);
  const f = found[0]!;
  if (!MATTER_ID_PATTERN.test(f.value)) return fail(rule, `the ${what} "${f.value}" must be exactly 4 uppercase hex digits`);
  if (f.source === 'attribute' && f.stringType !== 'utf8') return fail(rule, `the ${what} must be a UTF8String (got ${f.stringType}String)`);
  return [];
}

function single(found: readonly MatterIdFound[]): string | undefined {
  return found.length === 1 ? found[0]!.value : undefined;
}
