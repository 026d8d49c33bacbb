import type { DerNode } from './der/der-reader.js';
import { DerError } from './der/der-errors.js';
import { bitString, sequence } from './der/der-writer.js';
import type { CertificateFacts, ParsedCertificate } from './certificate-facts.js';
import { parseCertificateDer, sha256Hex } from './certificate-facts-fast.js';
import { X509Error } from './x509-errors.js';

/**
 * Wraps a linted TBS and its verified signature into the certificate, then reads the result
 * back with the strict DER reader: the TBS inside must be the linted bytes, the outer
 * signatureAlgorithm must be the TBS signature field byte for byte (RFC 5280 §4.1.1.2), and
 * the signature bits must be the ones that verified. Only then are the TBS facts reused
 * for the certificate: identical bytes have identical facts.
 */
export function assembleCertificate(tbs: Buffer, tbsFacts: CertificateFacts, signatureAlgorithmDer: Buffer, signature: Buffer): ParsedCertificate {
  const der = sequence(tbs, signatureAlgorithmDer, bitString(signature));
  let root: DerNode;
  try {
    root = parseCertificateDer(der);
  } catch (e) {
    if (e instanceof DerError) throw new X509Error('CERTIFICATE_INVALID', `the signed certificate is not DER: ${e.message}`, 'check');
    throw e;
  }
  const [tbsNode, algorithm, bits, extra] = root.children;
  if (root.id !== 0x30 || tbsNode?.id !== 0x30 || algorithm?.id !== 0x30 || bits?.id !== 0x03 || extra !== undefined) {
    throw new X509Error('CERTIFICATE_INVALID', 'the signed certificate is not SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }', 'check');
  }
  if (!tbsNode.raw().equals(tbs) || !tbsFacts.tbsDer.equals(tbs)) {
    throw new X509Error('TBS_CHANGED', 'the signed certificate does not carry the linted TBS byte for byte', 'check');
  }
  const tbsAlgorithm = tbsNode.children[tbsNode.children[0]?.id === 0xa0 ? 2 : 1];
  const outerOid = algorithm.children[0];
  if (tbsAlgorithm === undefined || !algorithm.raw().equals(tbsAlgorithm.raw()) || outerOid?.id !== 0x06) {
    throw new X509Error('CERTIFICATE_INVALID', "the certificate's signatureAlgorithm differs from its TBS signature field (RFC 5280 §4.1.1.2)", 'check');
  }
  const signatureBits = bits.buf.subarray(bits.contentStart + 1, bits.end);
  if (bits.buf[bits.contentStart] !== 0 || !signatureBits.equals(signature)) {
    throw new X509Error('CERTIFICATE_INVALID', 'the signed certificate does not carry the verified signature', 'check');
  }
  return { ...tbsFacts, der, sha256: sha256Hex(der), outerSignatureAlgorithm: outerOid.oid(), signature: signatureBits };
}
