import { createHash } from 'node:crypto';
import { contextTag, octetString, sequence } from '../der/der-writer.js';
import { OID } from '../oids.js';
import type { Extension } from './extension.js';
import { subjectPublicKeyBits } from '../spki.js';

/**
 * Key identifier per RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the
 * subjectPublicKey BIT STRING's value — RFC 5280's scheme without SHA-1.
 */
export function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha256').update(subjectPublicKeyBits(spki)).digest().subarray(0, 20);
}

export function subjectKeyIdentifier(spki: Buffer): Extension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octetString(keyIdentifier(spki)) };
}

/** keyIdentifier [0] only: the issuer's SKI. */
export function authorityKeyIdentifier(issuerKeyId: Buffer): Extension {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: sequence(contextTag(0, issuerKeyId, false)) };
}
