import { spkiDer } from '../../keys/software/generate-key-pair.js';
import { KeyObjectSigningKey } from '../../keys/software/key-object-signing-key.js';
import { bitString, contextTag, nullValue, oid, sequence, setOf, smallInteger, utf8String } from '../../x509/der/der-writer.js';
import { signatureAlgorithmFor } from '../../x509/signature-algorithm.js';
import type { SimulatedKey } from './device-personality.js';

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';

/**
 * A PKCS#10 CSR as device firmware builds one: the station's subject copied in as the
 * DER it was sent (a device has no reason to understand names), the nonce as
 * challengePassword. `badSignature` signs different bytes than it sends, so the CSR is
 * well-formed and only the signature fails, as with a faulty secure element.
 */
/**
 * Encodings real firmware stacks write (docs/device-protocol.md, "CSRs from real device
 * stacks"), so a simulated line can stand in for an ESP32 on mbedTLS 2.x or a wolfSSL board:
 * `mbedtls-2` writes NULL parameters after ecdsa-with-SHA*, `wolfssl` writes version 2.
 */
export const CSR_QUIRKS = ['mbedtls-2', 'wolfssl'] as const;
export type CsrQuirk = (typeof CSR_QUIRKS)[number];

export async function makeSimulatedCsr(args: {
  key: SimulatedKey;
  subjectDer: Buffer;
  challengePassword?: string;
  badSignature?: boolean;
  quirk?: CsrQuirk;
}): Promise<Buffer> {
  const spki = spkiDer(args.key.publicKey);
  const signer = new KeyObjectSigningKey('simulated-device', args.key.algorithm, args.key.privateKey, spki);
  const attributes = args.challengePassword === undefined ? [] : [sequence(oid(CHALLENGE_PASSWORD), setOf(utf8String(args.challengePassword)))];
  const info = sequence(smallInteger(args.quirk === 'wolfssl' ? 2 : 0), args.subjectDer, spki, contextTag(0, Buffer.concat(attributes), true));
  const signed = args.badSignature ? Buffer.concat([info, Buffer.from([0])]) : info;
  const signature = await signer.sign(signed);
  const algorithm = signatureAlgorithmFor(args.key.algorithm);
  const algorithmDer = args.quirk === 'mbedtls-2' && args.key.algorithm.startsWith('ecdsa-') ? sequence(oid(algorithm.oid), nullValue()) : algorithm.der;
  return sequence(info, algorithmDer, bitString(signature));
}
