import { HallmarkError, type ErrorKind } from '../../errors/hallmark-error.js';

/**
 * The publication bundle (docs/ceremonies.md, "Publication bundle"): what a root,
 * intermediate or CRL ceremony hands to the online side, in a `publication/` folder:
 *
 * - `<ca>.pem`, `<ca>.der` — every CA certificate the ceremony made or used, with its parents;
 * - `chain.pem` — the deepest CA's certificate up to the root, PEM concatenated;
 * - `<ca>-crl-<n>.der`, `.pem` — each of those CAs' latest CRL;
 * - `publication.json` — the description below;
 * - `SHA256SUMS` (`sha256sum -c` lines over every other file) and `SHA256SUMS.p7s`, a
 *   detached CMS over it by the ceremony's CA key (both written by the ceremony run).
 *
 * The description says what the files are, not how the ceremony went: the online CA
 * imports the bundle without the transcript.
 */
export const PUBLICATION_FORMAT = 'hallmark-publication-v1';
export const PUBLICATION_DIR = 'publication';
export const PUBLICATION_JSON = 'publication.json';
export const PUBLICATION_CHAIN = 'chain.pem';
export const PUBLICATION_SUMS = 'SHA256SUMS';
export const PUBLICATION_SUMS_P7S = 'SHA256SUMS.p7s';

export interface PublicationCaEntry {
  readonly name: string;
  /** RFC 4514-style text of the subject */
  readonly subject: string;
  readonly serial: string;
  /** SHA-256 of the DER certificate */
  readonly sha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** the issuing CA's name; null for a root */
  readonly issuer: string | null;
  /** the certificate was signed in the ceremony that made this bundle */
  readonly isNew: boolean;
  readonly files: { readonly pem: string; readonly der: string };
}

export interface PublicationCrlEntry {
  readonly ca: string;
  readonly number: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string;
  readonly sha256: string;
  readonly files: { readonly pem: string; readonly der: string };
}

export interface PublicationDocument {
  readonly format: typeof PUBLICATION_FORMAT;
  readonly created: string;
  readonly cas: readonly PublicationCaEntry[];
  /** CA names of chain.pem, deepest first */
  readonly chain: readonly string[];
  readonly crls: readonly PublicationCrlEntry[];
}

export interface PublicationFile {
  /** relative to the `publication/` folder */
  readonly name: string;
  readonly bytes: Buffer;
}

export type PublicationErrorCode = 'PUBLICATION_INPUT_INVALID' | 'PUBLICATION_UNREADABLE' | 'PUBLICATION_VERIFY_FAILED';

export class PublicationError extends HallmarkError {
  declare readonly code: PublicationErrorCode;
  constructor(code: PublicationErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'PublicationError';
  }
}

export function pemBlock(der: Buffer, label: 'CERTIFICATE' | 'X509 CRL'): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** Every `label` block of a PEM text, decoded; the text between blocks is ignored, as openssl does. */
export function pemBlocks(text: string, label: 'CERTIFICATE' | 'X509 CRL'): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}
