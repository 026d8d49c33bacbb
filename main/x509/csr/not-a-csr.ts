import type { DerNode } from '../der/der-reader.js';

const isTime = (n: DerNode | undefined): boolean => n?.id === 0x17 || n?.id === 0x18;

/**
 * Recognises the DER objects people send by mistake where a CSR belongs, so the refusal
 * can say "this is a certificate" instead of "bad structure". Returns null when the input
 * is not one of them (it may still be a malformed CSR).
 */
export function describeNonCsr(root: DerNode): string | null {
  if (root.id !== 0x30) return null;
  const [first, second, third] = root.children;
  if (first === undefined) return null;
  // PKCS#7 / CMS ContentInfo: SEQUENCE { contentType OID, [0] EXPLICIT content }
  if (first.id === 0x06 && second?.id === 0xa0) return 'a PKCS#7/CMS message';
  // PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version, AlgorithmIdentifier, OCTET STRING }
  if (first.id === 0x02 && second?.id === 0x30 && third?.id === 0x04) return 'a PKCS#8 private key';
  // SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }
  if (root.children.length === 2 && first.id === 0x30 && second?.id === 0x03 && first.children[0]?.id === 0x06) {
    return 'a bare public key (SubjectPublicKeyInfo)';
  }
  if (first.id !== 0x30 || root.children.length !== 3) return null;
  const tbs = first.children;
  // TBSCertificate v2/v3 opens with [0] EXPLICIT version; a CSR's info never has [0] first.
  if (tbs[0]?.id === 0xa0) return 'a certificate';
  // A v1 certificate: serial, signature, issuer, then Validity SEQUENCE { Time, Time }.
  if (tbs.some((n) => n.id === 0x30 && n.children.length === 2 && isTime(n.children[0]) && isTime(n.children[1]))) {
    return 'a certificate';
  }
  // TBSCertList: [version], signature, issuer, thisUpdate Time, …
  if (tbs.some(isTime)) return 'a CRL';
  return null;
}
