import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { MatterError } from './matter-errors.js';
import { readTlv, TlvError, type TlvElement } from './matter-tlv.js';

/**
 * The largest CD Hallmark accepts. A CSA-signed CD is about 250–600 bytes (one signer,
 * no certificates, up to 100 product IDs); the device protocol's factory record leaves
 * room for 2 KiB (docs/device-protocol.md §8).
 */
export const MAX_CD_BYTES = 2048;

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

export interface CertificationDeclaration {
  /** the CD exactly as the CSA issued it: what the device receives */
  readonly der: Buffer;
  readonly sha256: string;
  /** certification elements: vendor_id (tag 1), product_id_array (tag 2) */
  readonly vendorId: string;
  readonly productIds: readonly string[];
  /** certificate_id (tag 4), e.g. ZIG20141ZB330001-24 */
  readonly certificateId: string;
}

const refuse = (why: string) =>
  new MatterError('MATTER_CD_INVALID', `[matter.certification-declaration] the Certification Declaration ${why}`, 'input', {
    rule: 'matter.certification-declaration',
  });

const hex4 = (v: bigint) => v.toString(16).toUpperCase().padStart(4, '0');

/**
 * Parses a Certification Declaration: DER of one CMS ContentInfo holding SignedData
 * (RFC 5652) with one SignerInfo and an encapsulated id-data eContent, that eContent
 * being the TLV certification elements. Its signature is the CSA's and is checked by
 * commissioners against the CSA's CD signing keys, which Hallmark does not hold; what
 * Hallmark checks is that it is a CD at all and that it certifies this product.
 * Refused with MATTER_CD_INVALID naming `matter.certification-declaration`; the message
 * says what is wrong, never echoes the bytes.
 */
export function parseCertificationDeclaration(der: Buffer): CertificationDeclaration {
  if (der.length === 0 || der.length > MAX_CD_BYTES) throw refuse(`is ${der.length} bytes; expected 1–${MAX_CD_BYTES}`);
  const ab = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  const asn = asn1js.fromBER(ab);
  if (asn.offset === -1 || asn.result.error) throw refuse('is not DER (it does not parse as ASN.1)');
  if (asn.offset !== der.length) throw refuse(`has ${der.length - asn.offset} byte(s) after its CMS structure`);
  let signed: pkijs.SignedData;
  try {
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== OID_SIGNED_DATA) throw refuse(`is a CMS ${info.contentType}, not SignedData`);
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    if (e instanceof MatterError) throw e;
    throw refuse('is not a CMS SignedData');
  }
  if (signed.signerInfos.length !== 1) throw refuse(`has ${signed.signerInfos.length} SignerInfos; a CD has exactly one`);
  if (signed.encapContentInfo.eContentType !== OID_DATA) throw refuse(`encapsulates ${signed.encapContentInfo.eContentType}, not id-data`);
  const content = signed.encapContentInfo.eContent;
  if (content === undefined) throw refuse('is detached: it carries no certification elements');
  const tlv = Buffer.from(content.getValue());
  let root: TlvElement;
  try {
    root = readTlv(tlv);
  } catch (e) {
    if (e instanceof TlvError) throw refuse(`certification elements are not Matter TLV: ${e.message}`);
    throw e;
  }
  if (root.type !== 'structure' || root.tag !== null) throw refuse('certification elements are not an anonymous TLV structure');
  const members = root.value as TlvElement[];
  const field = (tag: number) => members.find((m) => m.tag === tag);
  const vendor = field(1);
  if (vendor?.type !== 'uint' || (vendor.value as bigint) > 0xfffen || (vendor.value as bigint) === 0n) throw refuse('has no valid vendor_id (tag 1)');
  const products = field(2);
  if (products?.type !== 'array') throw refuse('has no product_id_array (tag 2)');
  const pids = (products.value as TlvElement[]).map((p) => {
    if (p.type !== 'uint' || p.tag !== null || (p.value as bigint) > 0xffffn || (p.value as bigint) === 0n)
      throw refuse('has a product_id_array entry that is not a product ID');
    return hex4(p.value as bigint);
  });
  if (pids.length === 0 || pids.length > 100) throw refuse(`lists ${pids.length} product IDs; expected 1–100`);
  const certificateId = field(4);
  if (certificateId?.type !== 'utf8' || (certificateId.value as string).length !== 19) throw refuse('has no 19-character certificate_id (tag 4)');
  return {
    der: Buffer.from(der),
    sha256: createHash('sha256').update(der).digest('hex'),
    vendorId: hex4(vendor.value as bigint),
    productIds: pids,
    certificateId: certificateId.value as string,
  };
}

/** Refuses, naming the rule, a CD that does not certify the policy's VendorID and ProductID. */
export function assertDeclarationCovers(cd: CertificationDeclaration, matter: { vendorId: string; productId: string }): void {
  if (cd.vendorId !== matter.vendorId) {
    throw new MatterError(
      'MATTER_RULE',
      `[matter.cd-vendor-id] the Certification Declaration is for VendorID ${cd.vendorId}, the product is ${matter.vendorId}`,
      'input',
      { rule: 'matter.cd-vendor-id' },
    );
  }
  if (!cd.productIds.includes(matter.productId)) {
    throw new MatterError('MATTER_RULE', `[matter.cd-product-id] the Certification Declaration does not list ProductID ${matter.productId}`, 'input', {
      rule: 'matter.cd-product-id',
    });
  }
}
