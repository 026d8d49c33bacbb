import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../keys/key-algorithm.js';
import { nullValue, oid, sequence } from './der/der-writer.js';
import { OID } from './oids.js';

export interface SignatureAlgorithm {
  readonly oid: string;
  /** the complete AlgorithmIdentifier DER, as it appears in the TBS and the certificate */
  readonly der: Buffer;
}

/**
 * The signature algorithm a key of each kind makes. ECDSA and Ed25519 identifiers have
 * ABSENT parameters (RFC 5758, RFC 8410); RSA PKCS#1 v1.5 has NULL (RFC 4055).
 */
export function signatureAlgorithmFor(algorithm: KeyAlgorithm): SignatureAlgorithm {
  const info = KEY_ALGORITHM_INFO[algorithm];
  switch (info.family) {
    case 'ec': {
      const id = info.hash === 'sha384' ? OID.ecdsaWithSha384 : OID.ecdsaWithSha256;
      return { oid: id, der: sequence(oid(id)) };
    }
    case 'ed25519':
      return { oid: OID.ed25519, der: sequence(oid(OID.ed25519)) };
    case 'rsa':
      return { oid: OID.sha256WithRsa, der: sequence(oid(OID.sha256WithRsa), nullValue()) };
  }
}
