import { X509Error } from './x509-errors.js';

const MAX_CERTIFICATE_BYTES = 64 * 1024;

/** PEM (one CERTIFICATE block) or DER → DER; anything else is refused with a reason. */
export function certificateDer(input: Buffer): Buffer {
  if (input.length > MAX_CERTIFICATE_BYTES) throw new X509Error('CERTIFICATE_INVALID', `certificate input is over ${MAX_CERTIFICATE_BYTES} bytes`);
  if (input[0] === 0x30) return input;
  const text = input.toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) throw new X509Error('CERTIFICATE_INVALID', 'neither DER nor a PEM block');
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (certs.length !== 1)
    throw new X509Error('CERTIFICATE_INVALID', `expected one CERTIFICATE block, found ${certs.length} (${blocks.map((b) => b[1]).join(', ')})`);
  const body = certs[0]![2]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) throw new X509Error('CERTIFICATE_INVALID', 'the PEM body is not valid base64');
  return Buffer.from(body, 'base64');
}
