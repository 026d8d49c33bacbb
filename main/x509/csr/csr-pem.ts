import { CsrError } from './csr-errors.js';

/** Larger than any CSR we accept (an RSA-4096 CSR with extensions is ~2 KiB of PEM). */
export const MAX_CSR_INPUT_BYTES = 16 * 1024;

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

/** What other PEM labels are, so the refusal can say what was sent instead. */
const OTHER_LABELS: Readonly<Record<string, string>> = {
  CERTIFICATE: 'a certificate',
  'TRUSTED CERTIFICATE': 'a certificate',
  'X509 CERTIFICATE': 'a certificate',
  'X509 CRL': 'a CRL',
  'PUBLIC KEY': 'a public key',
  'RSA PUBLIC KEY': 'a public key',
  'PRIVATE KEY': 'a private key',
  'ENCRYPTED PRIVATE KEY': 'a private key',
  'RSA PRIVATE KEY': 'a private key',
  'EC PRIVATE KEY': 'a private key',
  PKCS7: 'a PKCS#7 message',
  CMS: 'a CMS message',
};

/**
 * Turns caller input into the DER bytes to parse: a Buffer starting with 0x30 is DER;
 * anything else (and every string) must be exactly one PEM certificate-request block with
 * nothing but whitespace around it. The returned Buffer is always our own copy, so a caller
 * mutating its buffer later cannot change what was checked.
 */
export function decodeCsrInput(input: Buffer | string): Buffer {
  if (input.length > MAX_CSR_INPUT_BYTES) {
    throw new CsrError('CSR_TOO_LARGE', `CSR input is ${input.length} bytes; at most ${MAX_CSR_INPUT_BYTES} are accepted`);
  }
  if (input.length === 0) throw new CsrError('CSR_EMPTY', 'CSR input is empty');
  if (typeof input !== 'string') {
    if (input[0] === 0x30) return Buffer.from(input);
    input = input.toString('latin1');
  }
  return decodePem(input);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function decodePem(text: string): Buffer {
  let s = 0;
  let e = text.length;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (s === e) throw new CsrError('CSR_EMPTY', 'CSR input is only whitespace');

  if (!text.startsWith('-----BEGIN ', s)) {
    const at = text.indexOf('-----BEGIN ', s);
    throw new CsrError('CSR_PEM_ARMOR', at < 0 ? 'input is neither DER nor a PEM block' : `text before the PEM BEGIN line (at character ${s})`);
  }
  const labelStart = s + 11;
  const labelEnd = text.indexOf('-----', labelStart);
  const label = labelEnd < 0 ? '' : text.slice(labelStart, labelEnd);
  if (labelEnd < 0 || !/^[A-Z0-9#]+( [A-Z0-9#]+)*$/.test(label) || label.length > 64) {
    throw new CsrError('CSR_PEM_ARMOR', 'malformed PEM BEGIN line');
  }
  if (!CSR_LABELS.has(label)) {
    const what = OTHER_LABELS[label];
    throw new CsrError('CSR_NOT_A_CSR', `PEM block is "${label}"${what ? ` (${what})` : ''}, not "CERTIFICATE REQUEST"`, { pemLabel: label });
  }
  const bodyStart = labelEnd + 5;
  const endAt = text.indexOf('-----END ', bodyStart);
  if (endAt < 0 || endAt >= e) throw new CsrError('CSR_PEM_ARMOR', `PEM block "${label}" has no END line`);
  const endLine = `-----END ${label}-----`;
  if (!text.startsWith(endLine, endAt)) throw new CsrError('CSR_PEM_ARMOR', 'PEM END line does not match the BEGIN line');
  const after = endAt + endLine.length;
  if (after !== e) {
    throw new CsrError(
      'CSR_PEM_ARMOR',
      text.indexOf('-----BEGIN ', after) >= 0 ? 'more than one PEM block' : `text after the PEM END line (at character ${after})`,
    );
  }
  return decodeBase64Body(text, bodyStart, endAt);
}

/** Strict base64 (RFC 4648 §4): the standard alphabet, '=' only as final padding, zero pad bits. */
function decodeBase64Body(text: string, start: number, end: number): Buffer {
  let b64 = '';
  let padding = 0;
  let chunkStart = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if (chunkStart < i) b64 += text.slice(chunkStart, i);
      chunkStart = i + 1;
      continue;
    }
    if (c === 0x3d /* = */) {
      padding++;
      continue;
    }
    const isB64 = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    if (!isB64) {
      throw new CsrError(
        'CSR_BASE64',
        c === 0x3a ? 'PEM headers are not allowed in a certificate request' : `character ${describeChar(c)} at position ${i} is not base64`,
      );
    }
    if (padding > 0) throw new CsrError('CSR_BASE64', `base64 data continues after '=' padding (position ${i})`);
  }
  if (chunkStart < end) b64 += text.slice(chunkStart, end);
  if (b64.length === 0) throw new CsrError('CSR_BASE64', 'PEM block has no data');
  if (padding > 2) throw new CsrError('CSR_BASE64', `${padding} '=' padding characters (at most 2)`);
  if (b64.length % 4 !== 0) throw new CsrError('CSR_BASE64', `base64 length ${b64.length} is not a multiple of 4`);
  if (padding > 0) {
    const last = b64.charCodeAt(b64.length - padding - 1);
    const value = last >= 0x61 ? last - 71 : last >= 0x41 ? last - 65 : last >= 0x30 ? last + 4 : last === 0x2b ? 62 : 63;
    if ((value & (padding === 1 ? 0x03 : 0x0f)) !== 0) {
      throw new CsrError('CSR_BASE64', 'base64 final character has non-zero padding bits (non-canonical encoding)');
    }
  }
  return Buffer.from(b64, 'base64');
}

function describeChar(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
