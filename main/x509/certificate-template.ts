import type { Extension } from './extensions/extension.js';

export const PROFILE_NAMES = [
  'root',
  'intermediate',
  'idevid',
  'manifest-signer',
  'crl-signer',
  'audit-signer',
  'revocation-requester',
  'matter-paa',
  'matter-pai',
  'matter-dac',
] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Everything a certificate will say except its signature algorithm (the signing key decides that). */
export interface CertificateTemplate {
  readonly profile: ProfileName;
  readonly serial: Buffer;
  /** DER Name of the issuer: for a self-signed root the subject itself, else the issuer certificate's subject bytes unchanged */
  readonly issuerName: Buffer;
  readonly subjectName: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectSpki: Buffer;
  readonly extensions: readonly Extension[];
}
