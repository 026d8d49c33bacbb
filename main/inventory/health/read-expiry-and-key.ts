import { parseCertificateDer, parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { readTime } from '../../x509/facts/read-time.js';

/** What the health pass needs of each certificate in service. */
export interface ExpiryAndKey {
  readonly notAfter: Date;
  /** the SubjectPublicKeyInfo DER */
  readonly spki: Buffer;
  readonly spkiAlgorithm: string;
}

/**
 * notAfter and the key, read from the strict DER tree without decoding names and
 * extensions: the health pass walks every row (~6 s per 100,000 certificates with the
 * full reader on this machine). A certificate off the usual v3 shape goes to the full
 * reader, so the answer never depends on which reader ran; it throws for a bad one.
 */
export function readExpiryAndKey(der: Buffer): ExpiryAndKey {
  try {
    const tbs = parseCertificateDer(der).children[0];
    const f = tbs?.children ?? [];
    // version [0], serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    const validity = f[4];
    const spki = f[6];
    const alg = spki?.children[0]?.children[0];
    const notAfter = validity?.children[1];
    if (
      tbs?.id === 0x30 &&
      f[0]?.id === 0xa0 &&
      validity?.id === 0x30 &&
      validity.children.length === 2 &&
      spki?.id === 0x30 &&
      alg?.id === 0x06 &&
      notAfter !== undefined
    ) {
      return { notAfter: readTime(notAfter).date, spki: spki.raw(), spkiAlgorithm: alg.oid() };
    }
  } catch {
    // the full reader decides, and says why
  }
  const c = parseCertificateFast(der);
  return { notAfter: c.notAfter, spki: c.spki, spkiAlgorithm: c.spkiAlgorithm };
}
