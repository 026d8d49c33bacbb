/**
 * The transcript's file names and format tag. transcript.json is the exact bytes that
 * were signed; transcript.sig is the detached signature by the ceremony's CA key, in the
 * form X.509 uses for that algorithm (DER ECDSA, PKCS#1 v1.5, raw Ed25519), so openssl
 * verifies it with the CA certificate's public key (docs/ceremonies.md).
 */
export const TRANSCRIPT_FORMAT = 'hallmark-ceremony-transcript-v1';
export const TRANSCRIPT_FILE = 'transcript.json';
export const TRANSCRIPT_SIGNATURE_FILE = 'transcript.sig';
