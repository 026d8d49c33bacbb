/**
 * A certificate in words for the screens (main/x509/describe/): plain data the renderer
 * shows as it is, so every view names algorithms and extensions the same way. Types only.
 */

/** an algorithm in words with its identifiers beside it, for experts */
export interface AlgorithmWordsView {
  /** "ECDSA P-384", "ECDSA P-384 with SHA-384", "RSA 3072-bit", "Ed25519" */
  words: string;
  oid: string;
  curveOid: string | null;
}

export interface ExtensionDescriptionView {
  oid: string;
  /** "Basic constraints", "BRSKI MASA URL", or "Unknown extension" */
  name: string;
  critical: boolean;
  /** the decoded value, one line per item ("CA, at most 1 CA below it (path length 1)") */
  values: string[];
}

export interface CertificateDescriptionView {
  subject: string;
  subjectAttributes: { oid: string; short: string; words: string; value: string }[];
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** set when notAfter is special (802.1AR's no-expiry 99991231235959Z) */
  validityNote: string | null;
  publicKey: AlgorithmWordsView;
  signature: AlgorithmWordsView;
  extensions: ExtensionDescriptionView[];
  sha256: string | null;
}
