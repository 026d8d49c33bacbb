import { parseCertificateDer } from '../../x509/certificate-facts-fast.js';

/**
 * The issuer Name's DER of a v3 certificate from the strict DER tree alone, or null when
 * the certificate is off that shape: reconcile reads it from every inventory row and
 * decodes a certificate fully only for an issuer it has not seen.
 */
export function readIssuerName(der: Buffer): Buffer | null {
  try {
    const f = parseCertificateDer(der).children[0]?.children ?? [];
    return f[0]?.id === 0xa0 && f[3]?.id === 0x30 ? f[3].raw() : null;
  } catch {
    return null;
  }
}
