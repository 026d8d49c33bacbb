/**
 * Strict unpadded base64url (RFC 4648 §5), as the nRF91 modem prints %KEYGEN output.
 * Strict because the station hashes the decoded bytes: a decoder that tolerated padding,
 * the standard alphabet, whitespace or non-zero trailing bits would map several texts to
 * the same bytes, and a device could then present "the same" CSR in different spellings.
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export type Base64UrlProblem = 'empty' | 'too-long' | 'alphabet' | 'length' | 'trailing-bits';

export class Base64UrlError extends Error {
  constructor(
    readonly problem: Base64UrlProblem,
    message: string,
  ) {
    super(message);
    this.name = 'Base64UrlError';
  }
}

/** Decodes `text`, refusing anything but the canonical unpadded spelling of some bytes. */
export function decodeBase64Url(text: string, maxChars: number): Buffer {
  if (text.length === 0) throw new Base64UrlError('empty', 'empty base64url value');
  // Checked before the alphabet test so a hostile megabyte line costs one comparison.
  if (text.length > maxChars) throw new Base64UrlError('too-long', `base64url value of ${text.length} characters exceeds ${maxChars}`);
  if (!ALPHABET.test(text)) {
    const bad = [...text].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
    const shown = bad === '=' ? "padding '='" : `character ${JSON.stringify(bad)}`;
    throw new Base64UrlError('alphabet', `base64url value contains ${shown}`);
  }
  // 4n+1 characters cannot come from any byte string.
  if (text.length % 4 === 1) throw new Base64UrlError('length', `base64url value has an impossible length (${text.length})`);
  const bytes = Buffer.from(text, 'base64url');
  // Node ignores non-zero bits in the last character; re-encoding catches them.
  if (bytes.toString('base64url') !== text) {
    throw new Base64UrlError('trailing-bits', 'base64url value has non-zero unused bits in its last character');
  }
  return bytes;
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
