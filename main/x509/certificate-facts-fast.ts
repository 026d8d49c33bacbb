import { createHash } from 'node:crypto';
import { DerError } from './der/der-errors.js';
import { parseDer, type DerNode } from './der/der-reader.js';
import { parseCertificate, parseTbs, type CertificateFacts, type ParsedCertificate } from './certificate-facts.js';
import { OutsideFastSubset, outside } from './facts/outside-fast-subset.js';
import { readTbsFacts } from './facts/read-tbs-facts.js';

/**
 * The same facts as certificate-facts.ts, read with the strict DER reader instead of
 * asn1-x509 (about 50× faster), and still independent of the encoder in der-writer.ts.
 * The fast reader covers the structures Hallmark, openssl and device firmware write; any
 * other certificate (or one that is not strict DER) is handed whole to the asn1-x509
 * reader, so results and error messages never depend on which reader ran.
 * test/unit/certificate-facts-fast.test.ts holds the two readers to deep equality.
 */

/** Certificate › TBS › [3] › Extensions › Extension is 5; names and keys are shallower. */
const CERTIFICATE_MAX_DEPTH = 8;

export function parseTbsFast(tbsDer: Buffer): CertificateFacts {
  return readTbsFast(tbsDer) ?? parseTbs(tbsDer);
}

export function parseCertificateFast(der: Buffer): ParsedCertificate {
  return readCertificateFast(der) ?? parseCertificate(der);
}

/** The fast reader alone: null when the TBS is outside its subset (exported for the equivalence test). */
export function readTbsFast(tbsDer: Buffer): CertificateFacts | null {
  return fastOrNull(() => readTbsFacts(strict(tbsDer)));
}

/** The fast reader alone for a whole certificate: null when outside its subset. */
export function readCertificateFast(der: Buffer): ParsedCertificate | null {
  return fastOrNull(() => {
    const root = strict(der);
    const { tbs, outerSignatureAlgorithm, signature } = readOuter(root);
    return { ...readTbsFacts(tbs), der, sha256: sha256Hex(der), outerSignatureAlgorithm, signature };
  });
}

export interface CertificateOuter {
  readonly tbs: DerNode;
  /** the outer AlgorithmIdentifier element */
  readonly algorithm: DerNode;
  readonly outerSignatureAlgorithm: string;
  /** the signature bits (the BIT STRING's contents after its unused-bits byte) */
  readonly signature: Buffer;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } */
export function readOuter(root: DerNode): CertificateOuter {
  const [tbs, algorithm, bits, extra] = root.children;
  if (root.id !== 0x30 || tbs?.id !== 0x30 || algorithm?.id !== 0x30 || bits?.id !== 0x03 || extra !== undefined) outside('Certificate shape');
  const [oid, , algExtra] = algorithm.children;
  if (oid?.id !== 0x06 || algExtra !== undefined) outside('signatureAlgorithm');
  if (bits.buf[bits.contentStart] !== 0) outside('signature BIT STRING with unused bits');
  return { tbs, algorithm, outerSignatureAlgorithm: oid.oid(), signature: bits.buf.subarray(bits.contentStart + 1, bits.end) };
}

export function parseCertificateDer(der: Buffer): DerNode {
  return parseDer(der, { maxDepth: CERTIFICATE_MAX_DEPTH });
}

export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

function strict(der: Buffer): DerNode {
  try {
    return parseCertificateDer(der);
  } catch (e) {
    if (e instanceof DerError) outside(`not strict DER: ${e.message}`);
    throw e;
  }
}

function fastOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (e instanceof OutsideFastSubset) return null;
    throw e;
  }
}
