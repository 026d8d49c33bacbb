import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KEY_ALGORITHM_INFO } from '../keys/key-algorithm.js';
import type { SigningKey } from '../keys/signing-key.js';
import { signatureAlgorithmFor } from '../x509/signature-algorithm.js';
import { CmsError } from './cms-errors.js';
import { CMS_OID, DIGEST_OID, type DigestName } from './cms-oids.js';
import { verifyDetachedCms } from './verify-detached-cms.js';

export interface DetachedCmsRequest {
  /** the bytes signed (they travel next to the .p7s, not inside it) */
  readonly content: Uint8Array;
  readonly signer: SigningKey;
  /** the signer's certificate, DER */
  readonly signerCertificate: Buffer;
  /** certificates a verifier needs to reach its trust anchor (issuing CA up to the root), DER */
  readonly chain: readonly Buffer[];
  readonly signingTime: Date;
}

/**
 * A detached CMS SignedData (RFC 5652) over `content`: one SignerInfo (version 1,
 * issuerAndSerialNumber), signed attributes contentType (id-data), signingTime and
 * messageDigest, the signer's certificate and its chain in `certificates`.
 *
 * pkijs builds the structure, but its own sign() wants a WebCrypto private key; ours
 * never leaves its store (software file, token, shares), so the DER SET OF signed
 * attributes is encoded here — sorted, as DER requires — and signed through SigningKey
 * (Ed25519 signs those bytes themselves, RFC 8419 §3.2, the others hash them),
 * and the signature bytes are placed into the SignerInfo. The result is checked with the
 * standalone verifier before it is returned: a faulty token or a wrong key stops here.
 */
export async function signDetachedCms(req: DetachedCmsRequest): Promise<Buffer> {
  const digest = cmsDigestFor(req.signer);
  const certificate = pkijs.Certificate.fromBER(toArrayBuffer(req.signerCertificate));
  const messageDigest = createHash(digest).update(req.content).digest();
  const attributes = [
    new pkijs.Attribute({ type: CMS_OID.contentType, values: [new asn1js.ObjectIdentifier({ value: CMS_OID.data })] }),
    new pkijs.Attribute({ type: CMS_OID.signingTime, values: [timeValue(req.signingTime)] }),
    new pkijs.Attribute({ type: CMS_OID.messageDigest, values: [new asn1js.OctetString({ valueHex: messageDigest })] }),
  ]
    .map((attribute) => ({ attribute, der: Buffer.from(attribute.toSchema().toBER()) }))
    .sort((a, b) => Buffer.compare(a.der, b.der));
  const signedAttributesSet = derSet(attributes.map((a) => a.der));
  const signature = await req.signer.sign(signedAttributesSet);

  const signatureAlgorithm = signatureAlgorithmFor(req.signer.algorithm);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OID[digest] }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: attributes.map((a) => a.attribute),
      encodedValue: toArrayBuffer(signedAttributesSet),
    }),
    signatureAlgorithm: pkijs.AlgorithmIdentifier.fromBER(toArrayBuffer(signatureAlgorithm.der)),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OID[digest] })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CMS_OID.data }),
    certificates: [certificate, ...req.chain.map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der)))],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: signedData.toSchema(true) });
  const p7s = Buffer.from(contentInfo.toSchema().toBER());

  const check = verifyDetachedCms(p7s, req.content);
  if (!check.ok) throw new CmsError('CMS_SIGNATURE_FAILED', `the CMS signature made with key "${req.signer.label}" does not verify: ${check.problem}`, 'check');
  if (!check.signerCertificate.equals(req.signerCertificate))
    throw new CmsError('CMS_SIGNATURE_FAILED', 'the CMS names another signer certificate than the one given', 'check');
  return p7s;
}

/**
 * The digest of the SignerInfo. OpenSSL verifies the signature over the signed
 * attributes with the SignerInfo's digest algorithm, so it must be the hash the key signs
 * with: SHA-256 for P-256 and RSA, SHA-384 for P-384. Ed25519 hashes internally, and
 * RFC 8419 §3.1 makes SHA-512 the digest of the content (messageDigest) for it.
 */
export function cmsDigestFor(key: Pick<SigningKey, 'algorithm' | 'label'>): DigestName {
  const info = KEY_ALGORITHM_INFO[key.algorithm];
  if (info.hash !== null) return info.hash;
  if (info.family === 'ed25519') return 'sha512';
  throw new CmsError('CMS_KEY_UNSUPPORTED', `key "${key.label}" is ${key.algorithm}, which Hallmark cannot sign a CMS with`);
}

/** RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds. */
function timeValue(at: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole });
}

function derSet(items: readonly Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([Buffer.from([0x31]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
