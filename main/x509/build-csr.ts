import type { SigningKey } from '../keys/signing-key.js';
import { bitString, contextTag, oid, sequence, setOf, smallInteger, utf8String } from './der/der-writer.js';
import { encodeName, type NameAttribute } from './distinguished-name.js';
import { encodeExtension, type Extension } from './extensions/extension.js';
import { signatureAlgorithmFor } from './signature-algorithm.js';
import { verifyX509Signature } from './verify-signature.js';
import { X509Error } from './x509-errors.js';

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/**
 * A PKCS#10 CSR signed by one of our keys: for an intermediate CA key that an outside root
 * (or the online CA) will certify, or for a station's manifest-signer key.
 */
export async function buildCsr(args: {
  key: SigningKey;
  subject: readonly NameAttribute[];
  challengePassword?: string;
  extensions?: readonly Extension[];
}): Promise<Buffer> {
  const attributes: Buffer[] = [];
  if (args.challengePassword !== undefined) attributes.push(sequence(oid(CHALLENGE_PASSWORD), setOf(utf8String(args.challengePassword))));
  if (args.extensions?.length) attributes.push(sequence(oid(EXTENSION_REQUEST), setOf(sequence(...args.extensions.map(encodeExtension)))));
  const info = sequence(smallInteger(0), encodeName(args.subject), args.key.spki, contextTag(0, Buffer.concat(attributes), true));
  const sigAlg = signatureAlgorithmFor(args.key.algorithm);
  const signature = await args.key.sign(info);
  if (!verifyX509Signature(args.key.algorithm, args.key.spki, info, signature)) {
    throw new X509Error('SIGNATURE_MISMATCH', `the CSR signature made by key "${args.key.label}" does not verify`, 'check');
  }
  return sequence(info, sigAlg.der, bitString(signature));
}
