import type { KeyAlgorithm } from '../../keys/key-algorithm.js';
import type { CsrAllowance } from './csr-allowances.js';

/** What a checked public key is: family, size and, when we support it, our algorithm name. */
export interface PublicKeyInfo {
  readonly family: 'ec' | 'rsa' | 'ed25519';
  /** our name for it; every key that passed the checks has one */
  readonly algorithm: KeyAlgorithm;
  readonly curve?: 'P-256' | 'P-384';
  readonly modulusBits?: number;
  readonly publicExponent?: number;
  /** DER SubjectPublicKeyInfo, re-encoded canonically (e.g. EC points uncompressed) */
  readonly spki: Buffer;
  /** hex SHA-256 of `spki` */
  readonly spkiSha256: string;
}

export interface CsrAttribute {
  readonly oid: string;
  /** each value's DER */
  readonly values: readonly Buffer[];
}

export interface CsrExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** the extnValue OCTET STRING's contents */
  readonly value: Buffer;
}

/**
 * A CSR that passed every structural, cryptographic and weak-key check. Its subject and
 * extensions are only *requests*: profiles decide what the certificate says.
 */
export interface ParsedCsr {
  /** the exact DER that was checked */
  readonly der: Buffer;
  /** DER of the subject Name */
  readonly subjectDer: Buffer;
  /** the subject for display, RFC 4514 style (e.g. "CN=dev-1,O=Acme") */
  readonly subject: string;
  readonly publicKey: PublicKeyInfo;
  /** PKCS#9 challengePassword, when present (the device protocol puts the station nonce here) */
  readonly challengePassword: string | null;
  readonly attributes: readonly CsrAttribute[];
  readonly requestedExtensions: readonly CsrExtension[];
  /** OID of the signature algorithm */
  readonly signatureAlgorithm: string;
  /** the named deviations this CSR needed (empty for a CSR that follows RFC 2986 and DER) */
  readonly allowances: readonly CsrAllowance[];
}
