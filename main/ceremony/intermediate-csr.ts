import { createHash } from 'node:crypto';
import type { JsonValue } from '../encoding/canonical-json.js';
import type { ParsedCsr } from '../x509/csr/parsed-csr.js';
import { parseCsr } from '../x509/csr/parse-csr.js';
import { CeremonyError } from './ceremony-errors.js';
import { hashWords } from './hash-words.js';
import { MediaFileError, readMediaFile } from '../files/read-media-file.js';

/** A PKCS#10 request is a few hundred bytes (RSA-4096: under 2 KiB); anything far larger is not one. */
const MAX_CSR_BYTES = 64 * 1024;

export interface CeremonyCsr {
  readonly path: string;
  /** SHA-256 of the file exactly as it arrived on the medium, for the witnesses to compare */
  readonly sha256: string;
  /** the file's bytes as they arrived (PEM or DER), copied to the output medium beside the certificate */
  readonly bytes: Buffer;
  readonly csr: ParsedCsr;
}

/**
 * Reads the online CA's CSR from the removable medium and checks it strictly (parseCsr:
 * structure, weak keys, signature) before anyone is asked to acknowledge anything; a CSR
 * that fails stops the ceremony with parseCsr's own coded error.
 */
export function loadCeremonyCsr(path: string): CeremonyCsr {
  let bytes: Buffer;
  try {
    // No symlinks, regular files only, bounded through one descriptor: the bytes hashed are the bytes parsed.
    bytes = readMediaFile(path, MAX_CSR_BYTES, 'CSR', { tooLarge: (m) => new CeremonyError('CEREMONY_BINDING_INVALID', `${m}; it is not a CSR`) });
  } catch (e) {
    if (e instanceof MediaFileError && e.code === 'FILE_UNREADABLE') throw new CeremonyError('CEREMONY_BINDING_INVALID', e.message, 'environment', { path });
    throw e;
  }
  const csr = parseCsr(bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes, csr };
}

export function describeCsr(c: CeremonyCsr): string {
  return [
    'CSR brought in:',
    `  file             ${c.path}`,
    `  SHA-256          ${c.sha256}`,
    `  words            ${hashWords(c.sha256).join(' ')}`,
    `  requested subject ${c.csr.subject}  (the certificate carries the script's subject)`,
    `  key              ${c.csr.publicKey.algorithm}, SPKI SHA-256 ${c.csr.publicKey.spkiSha256}`,
    '  witnesses: compare the SHA-256 with the one the online side sent separately',
    '',
  ].join('\n');
}

export function csrFacts(c: CeremonyCsr): { [k: string]: JsonValue } {
  return {
    path: c.path,
    sha256: c.sha256,
    sha256Words: hashWords(c.sha256),
    requestedSubject: c.csr.subject,
    keyAlgorithm: c.csr.publicKey.algorithm,
    spkiSha256: c.csr.publicKey.spkiSha256,
  };
}
