import type { ParsedCertificate } from '../certificate-facts.js';
import { parseCertificateFast } from '../certificate-facts-fast.js';
import { isHallmarkError } from '../../errors/hallmark-error.js';
import { verifyX509Signature } from '../verify-signature.js';
import { matterIdsOf } from './matter-ids.js';
import { isP256Spki, MATTER_CERTIFICATE_RULES, MATTER_CHAIN_RULES, type MatterRole } from './matter-rules.js';

export interface AttestationChainInput {
  /** DER of each certificate */
  readonly paa: Buffer;
  readonly pai: Buffer;
  readonly dac: Buffer;
}

export interface AttestationProblem {
  readonly rule: string;
  readonly certificate: MatterRole;
  readonly message: string;
}

export interface AttestationVerdict {
  readonly valid: boolean;
  readonly problems: readonly AttestationProblem[];
  /** the DAC's VendorID and ProductID as read (attributes, or the legacy CN form) */
  readonly vendorId?: string;
  readonly productId?: string;
}

/**
 * Checks a Matter attestation chain PAA → PAI → DAC as a commissioner would: every
 * certificate rule of matter-rules.ts for its role (in 'verify' mode, so the legacy
 * `Mvid:XXXX Mpid:YYYY` CN form is read when the attributes are absent), VendorID /
 * ProductID matching, the DAC's notBefore inside the PAI's and the PAA's validity, and
 * each signature (issuer name and AKI = the issuer's SKI). Pure: no store, no clock —
 * the chain is judged as of the DAC's notBefore, as Matter does.
 */
export function verifyAttestationChain(input: AttestationChainInput): AttestationVerdict {
  const problems: AttestationProblem[] = [];
  const parsed: Partial<Record<MatterRole, ParsedCertificate>> = {};
  for (const role of ['paa', 'pai', 'dac'] as const) {
    try {
      parsed[role] = parseCertificateFast(input[role]);
    } catch (e) {
      problems.push({
        rule: 'matter.parse',
        certificate: role,
        message: `the ${role.toUpperCase()} is not a DER X.509 certificate: ${isHallmarkError(e) ? e.message : String(e)}`,
      });
    }
  }
  const { paa, pai, dac } = parsed;
  if (!paa || !pai || !dac) return { valid: false, problems };

  for (const [role, cert] of [
    ['paa', paa],
    ['pai', pai],
    ['dac', dac],
  ] as const) {
    for (const r of MATTER_CERTIFICATE_RULES)
      for (const f of r.check(cert, role, 'verify')) problems.push({ rule: f.rule, certificate: role, message: f.message });
  }
  for (const [role, cert, issuer, above] of [
    ['pai', pai, paa, []],
    ['dac', dac, pai, [paa]],
  ] as const) {
    for (const r of MATTER_CHAIN_RULES)
      for (const f of r.check(cert, role, issuer, above, 'verify')) problems.push({ rule: f.rule, certificate: role, message: f.message });
  }
  for (const [role, cert, issuer] of [
    ['paa', paa, paa],
    ['pai', pai, paa],
    ['dac', dac, pai],
  ] as const) {
    const message = signatureProblem(cert, issuer, role === 'paa');
    if (message) problems.push({ rule: 'matter.chain-signature', certificate: role, message });
  }
  const ids = matterIdsOf(dac.subject, true);
  return {
    valid: problems.length === 0,
    problems,
    ...(ids.vendorIds.length === 1 ? { vendorId: ids.vendorIds[0]!.value } : {}),
    ...(ids.productIds.length === 1 ? { productId: ids.productIds[0]!.value } : {}),
  };
}

function signatureProblem(cert: ParsedCertificate, issuer: ParsedCertificate, selfSigned: boolean): string | undefined {
  const what = selfSigned ? 'the PAA is not self-signed' : 'the certificate is not issued by the certificate above it';
  if (!cert.issuerDer.equals(issuer.subjectDer)) return `${what}: its issuer name differs from the issuer's subject`;
  if (!selfSigned && cert.authorityKeyId && issuer.subjectKeyId && !cert.authorityKeyId.equals(issuer.subjectKeyId)) {
    return `${what}: its authorityKeyIdentifier differs from the issuer's subjectKeyIdentifier`;
  }
  if (!isP256Spki(issuer.spki)) return `${what}: the issuer key is not P-256, the signature cannot be Matter's`;
  if (cert.outerSignatureAlgorithm !== cert.signatureAlgorithm) return 'the outer signature algorithm differs from the TBS signature algorithm';
  let ok: boolean;
  try {
    ok = verifyX509Signature('ecdsa-p256', issuer.spki, cert.tbsDer, cert.signature);
  } catch {
    ok = false;
  }
  return ok ? undefined : `${what}: the signature does not verify with the issuer's key`;
}
