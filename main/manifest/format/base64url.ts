/** Unpadded base64url (RFC 7515 §2), as JOSE carries every binary field except x5c. */
export function base64url(data: Uint8Array | string): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}
