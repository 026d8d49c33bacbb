import { sign, type KeyObject } from 'node:crypto';
import { bitString, contextTag, nullValue, octetString, oid, sequence, setOf, smallInteger, utf8String } from '../../x509/der/der-writer.js';
import { OID } from '../../x509/oids.js';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/**
 * The CSR a (simulated) nRF91 returns from %KEYGEN, shaped like real modem output
 * (Nordic's published KEYGEN samples): subject CN = the device UUID as UTF8String, a
 * P-256 key, an extensionRequest with a non-critical keyUsage of digitalSignature,
 * nonRepudiation, keyEncipherment, dataEncipherment and keyAgreement, signed
 * ecdsa-with-SHA256. `nullParams` writes that AlgorithmIdentifier with explicit NULL
 * parameters, as the firmware in those samples does; `badSignature` signs other bytes
 * than it sends (a well-formed CSR whose signature fails).
 */
export function buildModemCsr(args: { privateKey: KeyObject; publicKey: KeyObject; uuidText: string; nullParams: boolean; badSignature?: boolean }): Buffer {
  const subject = sequence(setOf(sequence(oid(OID.commonName), utf8String(args.uuidText))));
  const spki = args.publicKey.export({ type: 'spki', format: 'der' });
  // keyUsage bits 0–4 set: 0xf8 with 3 unused bits, DER-minimal.
  const keyUsage = sequence(oid(OID.keyUsage), octetString(bitString(Buffer.from([0xf8]), 3)));
  const attributes = sequence(oid(EXTENSION_REQUEST), setOf(sequence(keyUsage)));
  const info = sequence(smallInteger(0), subject, spki, contextTag(0, attributes, true));
  const algorithm = args.nullParams ? sequence(oid(OID.ecdsaWithSha256), nullValue()) : sequence(oid(OID.ecdsaWithSha256));
  const signed = args.badSignature ? Buffer.concat([info, Buffer.from([0])]) : info;
  const signature = sign('sha256', signed, args.privateKey);
  return sequence(info, algorithm, bitString(signature));
}
