import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { readMediaFile } from '../../files/read-media-file.js';
import { ManifestError } from '../manifest-errors.js';

/** A trust file (PEM bundle of CA certificates, or one DER certificate) is never larger than this. */
export const MAX_TRUST_BYTES = 1024 * 1024;

/** The bytes of a trust file, through the media reader (bounded, no symlinks). */
export function readTrustFile(path: string): Buffer {
  return readMediaFile(path, MAX_TRUST_BYTES, 'trust file');
}

/** The trusted roots: every CERTIFICATE block of a PEM file (or one DER certificate). */
export function readTrustAnchors(input: Buffer, source = 'the trust file'): ParsedCertificate[] {
  const text = input.toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'),
  );
  const ders = blocks.length > 0 ? blocks : input[0] === 0x30 ? [input] : [];
  if (ders.length === 0) throw new ManifestError('MANIFEST_TRUST_INVALID', `${source} holds no certificate (PEM or DER expected)`);
  return ders.map((der, i) => {
    try {
      return parseCertificateFast(der);
    } catch (e) {
      throw new ManifestError('MANIFEST_TRUST_INVALID', `${source}: certificate ${i + 1} cannot be read: ${(e as Error).message}`);
    }
  });
}
