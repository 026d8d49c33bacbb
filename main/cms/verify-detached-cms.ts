import { createHash, createPublicKey, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { CMS_OID, DIGEST_BY_OID, type DigestName } from './cms-oids.js';

export interface CmsParts {
  /** every certificate the SignedData carries, DER */
  readonly certificates: Buffer[];
  /** the certificate the SignerInfo names, DER; undefined when it is not among them */
  readonly signerCertificate?: Buffer;
  readonly signingTime?: Date;
  readonly digest?: DigestName;
}

export type CmsVerification =
  (CmsParts & { readonly ok: true; readonly signerCertificate: Buffer }) | (CmsParts & { readonly ok: false; readonly problem: string });

/**
 * Verifies a detached CMS SignedData over `content` the way `openssl cms -verify` does
 * for the signature itself (the signer's chain is checked separately): exactly one
 * SignerInfo; signed attributes present with contentType id-data and messageDigest equal
 * to the content's digest; the signature over the DER SET OF signed attributes (as
 * received) verifying with the signer certificate's key. Never throws on bad input.
 */
export function verifyDetachedCms(p7s: Uint8Array, content: Uint8Array): CmsVerification {
  let signedData: pkijs.SignedData;
  try {
    const info = pkijs.ContentInfo.fromBER(new Uint8Array(p7s)); // a copy of exactly these bytes, not the Buffer's whole pool
    if (info.contentType !== CMS_OID.signedData) return fail(`the .p7s holds ${info.contentType}, not SignedData`);
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    return fail(`the .p7s is not a CMS SignedData: ${(e as Error).message}`);
  }
  const certificates: Buffer[] = [];
  for (const c of signedData.certificates ?? []) if (c instanceof pkijs.Certificate) certificates.push(Buffer.from(c.toSchema().toBER()));
  const parts: { certificates: Buffer[]; signerCertificate?: Buffer; signingTime?: Date; digest?: DigestName } = { certificates };
  const failWith = (problem: string): CmsVerification => ({ ...parts, ok: false, problem });

  if (signedData.encapContentInfo.eContentType !== CMS_OID.data) return failWith(`eContentType is ${signedData.encapContentInfo.eContentType}, not id-data`);
  if (signedData.encapContentInfo.eContent !== undefined) return failWith('the SignedData is not detached: it carries its own content');
  if (signedData.signerInfos.length !== 1) return failWith(`expected exactly one SignerInfo, found ${signedData.signerInfos.length}`);
  const si = signedData.signerInfos[0]!;

  const signerIndex = (signedData.certificates ?? []).findIndex((c) => c instanceof pkijs.Certificate && namesSigner(si.sid, c));
  if (signerIndex < 0) return failWith('the signer certificate the SignerInfo names is not in the SignedData');
  const signerCert = signedData.certificates![signerIndex] as pkijs.Certificate;
  parts.signerCertificate = Buffer.from(signerCert.toSchema().toBER());

  const digest = DIGEST_BY_OID[si.digestAlgorithm.algorithmId];
  if (digest === undefined) return failWith(`unsupported digest algorithm ${si.digestAlgorithm.algorithmId}`);
  parts.digest = digest;
  const attrs = si.signedAttrs;
  if (!attrs || attrs.attributes.length === 0) return failWith('the SignerInfo has no signed attributes');
  // asn1js types an attribute's values as any: what they are is decided below by instanceof.
  const one = (type: string): unknown => {
    const found = attrs.attributes.filter((a) => a.type === type);
    return found.length === 1 && found[0]!.values.length === 1 ? found[0]!.values[0] : undefined;
  };
  const contentType = one(CMS_OID.contentType);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== CMS_OID.data)
    return failWith('the contentType signed attribute is missing or not id-data');
  const time = one(CMS_OID.signingTime);
  if (time instanceof asn1js.UTCTime || time instanceof asn1js.GeneralizedTime) parts.signingTime = time.toDate();
  const messageDigest = one(CMS_OID.messageDigest);
  if (!(messageDigest instanceof asn1js.OctetString)) return failWith('the messageDigest signed attribute is missing');
  const expected = createHash(digest).update(content).digest();
  if (!expected.equals(Buffer.from(messageDigest.valueBlock.valueHexView)))
    return failWith(`messageDigest does not match the ${digest.toUpperCase()} of the content: the content was changed after it was signed`);

  // pkijs keeps the signed attributes exactly as received, with the [0] tag already replaced by SET (0x31).
  const signedBytes = Buffer.from(attrs.encodedValue);
  let ok: boolean;
  try {
    const facts = parseCertificateFast(parts.signerCertificate);
    ok = verifySignature(si.signatureAlgorithm.algorithmId, digest, facts.spki, signedBytes, Buffer.from(si.signature.valueBlock.valueHexView));
  } catch (e) {
    return failWith(`the signature cannot be checked: ${(e as Error).message}`);
  }
  if (!ok) return failWith("the signature over the signed attributes does not verify with the signer certificate's key");
  return { ...parts, ok: true, signerCertificate: parts.signerCertificate };
}

function fail(problem: string): CmsVerification {
  return { ok: false, problem, certificates: [] };
}

function namesSigner(sid: unknown, cert: pkijs.Certificate): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) return sid.issuer.isEqual(cert.issuer) && sid.serialNumber.isEqual(cert.serialNumber);
  // subjectKeyIdentifier [0]: compare with the certificate's SKI extension
  if (sid instanceof asn1js.Primitive || sid instanceof asn1js.Constructed) {
    const ski = cert.extensions?.find((e) => e.extnID === '2.5.29.14');
    if (!ski) return false;
    const wanted = Buffer.from((sid as asn1js.Primitive).valueBlock.valueHexView ?? []);
    const inner = asn1js.fromBER(ski.extnValue.valueBlock.valueHexView).result;
    return inner instanceof asn1js.OctetString && Buffer.from(inner.valueBlock.valueHexView).equals(wanted);
  }
  return false;
}

function verifySignature(algorithmOid: string, digest: DigestName, spki: Buffer, data: Buffer, signature: Buffer): boolean {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  switch (algorithmOid) {
    case CMS_OID.ecdsaWithSha256:
      return verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
    case CMS_OID.ecdsaWithSha384:
      return verify('sha384', data, { key, dsaEncoding: 'der' }, signature);
    case CMS_OID.ecdsaWithSha512:
      return verify('sha512', data, { key, dsaEncoding: 'der' }, signature);
    case CMS_OID.sha256WithRsa:
      return verify('sha256', data, key, signature);
    case CMS_OID.sha384WithRsa:
      return verify('sha384', data, key, signature);
    case CMS_OID.rsaEncryption:
      return verify(digest, data, key, signature);
    // RFC 8419: pure Ed25519 over the signed attributes themselves; the SHA-512 digest covers only the content
    case CMS_OID.ed25519:
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the SignerInfo says Ed25519 but the signer's key is ${key.asymmetricKeyType}`);
      if (digest !== 'sha512') throw new Error(`an Ed25519 SignerInfo must use SHA-512 as its digest (RFC 8419 §3.1), not ${digest.toUpperCase()}`);
      return verify(null, data, key, signature);
    default:
      throw new Error(`unsupported signature algorithm ${algorithmOid}`);
  }
}
