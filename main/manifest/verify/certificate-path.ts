import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { nameToString } from '../../x509/describe-certificate.js';
import { certificateSignedBy, publicKeyOf } from '../../x509/signature-check.js';

export type PathResult = { readonly ok: true; readonly path: readonly ParsedCertificate[] } | { readonly ok: false; readonly problem: string };

const MAX_DEPTH = 8;

/**
 * Builds and checks a path from `leaf` to one of `anchors` through `pool`: each link is an
 * issuer whose subject is the child's issuer name (and whose SKI matches the child's AKI
 * when both exist), a CA (basicConstraints cA, keyCertSign when keyUsage is present,
 * pathLenConstraint respected), whose key verifies the child's signature; every
 * certificate on the path is valid at `at`. Trust is decided by the anchors alone: a root
 * inside the CMS or the manifest counts only if it is byte-identical to an anchor.
 */
export function checkPath(leaf: ParsedCertificate, pool: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], at: Date): PathResult {
  const path: ParsedCertificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    if (!validAt(current, at))
      return {
        ok: false,
        problem: `${describe(current)} is not valid at ${at.toISOString()} (${current.notBefore.toISOString()} – ${current.notAfter.toISOString()})`,
      };
    if (anchors.some((a) => a.der.equals(current.der))) return { ok: true, path };
    const candidates = [...anchors, ...pool].filter(
      (c) =>
        c.subjectDer.equals(current.issuerDer) &&
        !c.der.equals(current.der) &&
        (!current.authorityKeyId || !c.subjectKeyId || c.subjectKeyId.equals(current.authorityKeyId)),
    );
    if (candidates.length === 0)
      return {
        ok: false,
        problem: `no issuer of ${describe(current)} (issuer ${nameToString(current.issuer)}) is among the certificates given or the trusted roots`,
      };
    const issuer = candidates.find((c) => certificateSignedBy(current, publicKeyOf(c)));
    if (!issuer)
      return {
        ok: false,
        problem: `the signature of ${describe(current)} does not verify with the key of any certificate named ${nameToString(current.issuer)}`,
      };
    if (issuer.basicConstraints?.ca !== true)
      return { ok: false, problem: `${describe(issuer)} signed ${describe(current)} but is not a CA (basicConstraints)` };
    if (issuer.keyUsage && !issuer.keyUsage.has('keyCertSign'))
      return { ok: false, problem: `${describe(issuer)} may not sign certificates (keyUsage lacks keyCertSign)` };
    const casBelow = path.length - 1;
    if (issuer.basicConstraints.pathLen !== undefined && casBelow > issuer.basicConstraints.pathLen) {
      return { ok: false, problem: `${describe(issuer)} allows ${issuer.basicConstraints.pathLen} CA(s) below it, the path has ${casBelow}` };
    }
    path.push(issuer);
    current = issuer;
  }
  return { ok: false, problem: `no path to a trusted root within ${MAX_DEPTH} certificates` };
}

export function validAt(cert: ParsedCertificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}

export function describe(cert: ParsedCertificate): string {
  return `"${nameToString(cert.subject)}"`;
}
