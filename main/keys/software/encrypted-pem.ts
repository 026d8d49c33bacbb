import { KeyError } from '../key-errors.js';

const BEGIN = '-----BEGIN ENCRYPTED PRIVATE KEY-----';
const END = '-----END ENCRYPTED PRIVATE KEY-----';

/** RFC 7468 strict form: what OpenSSL writes and reads. */
export function toEncryptedPem(der: Buffer): string {
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `${BEGIN}\n${body}\n${END}\n`;
}

/**
 * Exactly one ENCRYPTED PRIVATE KEY block and nothing else. Buffer.from(…, 'base64')
 * silently skips junk, so the body is checked to be canonical base64 first: an edited
 * file should fail here with a clear message, not later with a confusing one.
 */
export function fromEncryptedPem(text: string, label: string): Buffer {
  const invalid = (why: string): KeyError => new KeyError('KEY_FILE_INVALID', `the key file for "${label}" is not an encrypted PKCS#8 PEM file: ${why}`);
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  if (lines[0] !== BEGIN) throw invalid(`it does not start with "${BEGIN}"`);
  if (lines[lines.length - 1] !== END) throw invalid(`it does not end with "${END}"`);
  const body = lines.slice(1, -1).join('');
  if (body.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) throw invalid('the body is not base64');
  const der = Buffer.from(body, 'base64');
  if (der.toString('base64') !== body) throw invalid('the body is not canonical base64');
  return der;
}
