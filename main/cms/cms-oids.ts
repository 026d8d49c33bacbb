/** The CMS (RFC 5652, RFC 8419) and digest identifiers our detached signatures use, named once. */
export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
} as const;

export type DigestName = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_BY_OID: Readonly<Record<string, DigestName>> = {
  [CMS_OID.sha256]: 'sha256',
  [CMS_OID.sha384]: 'sha384',
  [CMS_OID.sha512]: 'sha512',
};

export const DIGEST_OID: Readonly<Record<DigestName, string>> = { sha256: CMS_OID.sha256, sha384: CMS_OID.sha384, sha512: CMS_OID.sha512 };
