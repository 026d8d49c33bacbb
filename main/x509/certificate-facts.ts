import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  Name,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  TBSCertificate,
  type Time,
} from '@peculiar/asn1-x509';
import { KEY_USAGE_BITS, type KeyUsage as KeyUsageName } from './extensions/key-usage.js';
import { asn1jsOidText } from './facts/asn1js-oid-text.js';
import { OID } from './oids.js';
import { X509Error } from './x509-errors.js';

export interface NameFact {
  readonly oid: string;
  readonly value: string;
  /** the ASN.1 string type it was encoded with */
  readonly stringType: 'printable' | 'utf8' | 'ia5' | 'bmp' | 'teletex' | 'universal' | 'other';
}

export interface HardwareModuleNameFact {
  readonly hwType: string;
  readonly hwSerialNum: Buffer;
}

/**
 * What a certificate (or a TBS) says, decoded by @peculiar/asn1-x509 — a parser independent
 * of our encoder, so lints check what was really written rather than what we meant.
 */
export interface CertificateFacts {
  readonly tbsDer: Buffer;
  readonly version: number;
  readonly serial: Buffer;
  readonly signatureAlgorithm: string;
  readonly signatureAlgorithmHasParams: boolean;
  readonly issuerDer: Buffer;
  readonly issuer: readonly NameFact[];
  readonly subjectDer: Buffer;
  readonly subject: readonly NameFact[];
  readonly notBefore: Date;
  readonly notBeforeEncoding: 'utc' | 'generalized';
  readonly notAfter: Date;
  readonly notAfterEncoding: 'utc' | 'generalized';
  readonly spki: Buffer;
  readonly spkiAlgorithm: string;
  readonly extensions: readonly { oid: string; critical: boolean; value: Buffer }[];
  readonly basicConstraints?: { ca: boolean; pathLen?: number };
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectKeyId?: Buffer;
  readonly authorityKeyId?: Buffer;
  readonly san?: { dns: string[]; uris: string[]; hardwareModuleNames: HardwareModuleNameFact[]; other: string[] };
  readonly nameConstraints?: { permittedDns: string[]; excludedDns: string[]; permittedDirectoryNames: Buffer[]; excludedDirectoryNames: Buffer[] };
  readonly masaUrl?: string;
}

export interface ParsedCertificate extends CertificateFacts {
  readonly der: Buffer;
  readonly sha256: string;
  readonly outerSignatureAlgorithm: string;
  readonly signature: Buffer;
}

export function parseCertificate(der: Buffer): ParsedCertificate {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    throw new X509Error('CERTIFICATE_INVALID', `not an X.509 certificate: ${(e as Error).message}`);
  }
  const tbsDer = Buffer.from(AsnConvert.serialize(cert.tbsCertificate));
  if (!der.includes(tbsDer)) throw new X509Error('CERTIFICATE_INVALID', 'the certificate is not DER: its TBS does not re-encode to the same bytes');
  return {
    ...factsFromTbs(cert.tbsCertificate, tbsDer),
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    outerSignatureAlgorithm: asn1jsOidText(cert.signatureAlgorithm.algorithm),
    signature: Buffer.from(cert.signatureValue),
  };
}

export function parseTbs(tbsDer: Buffer): CertificateFacts {
  let tbs: TBSCertificate;
  try {
    tbs = AsnConvert.parse(tbsDer, TBSCertificate);
  } catch (e) {
    throw new X509Error('CERTIFICATE_INVALID', `not a TBSCertificate: ${(e as Error).message}`);
  }
  return factsFromTbs(tbs, tbsDer);
}

function factsFromTbs(tbs: TBSCertificate, tbsDer: Buffer): CertificateFacts {
  const extensions = (tbs.extensions ?? []).map((e) => ({
    oid: asn1jsOidText(e.extnID),
    critical: e.critical,
    value: Buffer.from(e.extnValue.buffer),
  }));
  const find = (oid: string) => extensions.find((e) => e.oid === oid)?.value;
  const facts: Record<string, unknown> = {
    tbsDer,
    version: tbs.version,
    serial: Buffer.from(tbs.serialNumber),
    signatureAlgorithm: asn1jsOidText(tbs.signature.algorithm),
    // asn1-schema reads an explicit NULL as null and absent parameters as undefined.
    signatureAlgorithmHasParams: tbs.signature.parameters !== undefined,
    issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    issuer: nameFacts(tbs.issuer),
    subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    subject: nameFacts(tbs.subject),
    notBefore: tbs.validity.notBefore.getTime(),
    notBeforeEncoding: timeEncoding(tbs.validity.notBefore),
    notAfter: tbs.validity.notAfter.getTime(),
    notAfterEncoding: timeEncoding(tbs.validity.notAfter),
    spki: Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    spkiAlgorithm: asn1jsOidText(tbs.subjectPublicKeyInfo.algorithm.algorithm),
    extensions,
  };
  decodeExtension(find(OID.basicConstraints), 'basicConstraints', (v) => {
    const bc = AsnConvert.parse(v, BasicConstraints);
    facts.basicConstraints = bc.pathLenConstraint !== undefined ? { ca: bc.cA, pathLen: bc.pathLenConstraint } : { ca: bc.cA };
  });
  decodeExtension(find(OID.keyUsage), 'keyUsage', (v) => {
    const ku = AsnConvert.parse(v, KeyUsage);
    const flags = ku.toNumber();
    facts.keyUsage = new Set((Object.entries(KEY_USAGE_BITS) as [KeyUsageName, number][]).filter(([, bit]) => flags & (1 << bit)).map(([n]) => n));
  });
  decodeExtension(find(OID.extKeyUsage), 'extKeyUsage', (v) => {
    facts.extendedKeyUsage = [...AsnConvert.parse(v, ExtendedKeyUsage)].map(asn1jsOidText);
  });
  decodeExtension(find(OID.subjectKeyIdentifier), 'subjectKeyIdentifier', (v) => {
    facts.subjectKeyId = Buffer.from(AsnConvert.parse(v, SubjectKeyIdentifier).buffer);
  });
  decodeExtension(find(OID.authorityKeyIdentifier), 'authorityKeyIdentifier', (v) => {
    const aki = AsnConvert.parse(v, AuthorityKeyIdentifier);
    if (aki.keyIdentifier) facts.authorityKeyId = Buffer.from(aki.keyIdentifier.buffer);
  });
  decodeExtension(find(OID.subjectAltName), 'subjectAltName', (v) => {
    const san = { dns: [] as string[], uris: [] as string[], hardwareModuleNames: [] as HardwareModuleNameFact[], other: [] as string[] };
    for (const gn of AsnConvert.parse(v, SubjectAlternativeName)) {
      if (gn.dNSName !== undefined) san.dns.push(gn.dNSName);
      else if (gn.uniformResourceIdentifier !== undefined) san.uris.push(gn.uniformResourceIdentifier);
      else if (gn.otherName && asn1jsOidText(gn.otherName.typeId) === OID.hardwareModuleName)
        san.hardwareModuleNames.push(decodeHardwareModuleName(Buffer.from(gn.otherName.value)));
      else san.other.push(gn.otherName ? `otherName ${asn1jsOidText(gn.otherName.typeId)}` : Object.keys(gn).join(','));
    }
    facts.san = san;
  });
  decodeExtension(find(OID.nameConstraints), 'nameConstraints', (v) => {
    const nc = AsnConvert.parse(v, NameConstraints);
    const pick = (trees: typeof nc.permittedSubtrees) => ({
      dns: (trees ?? []).flatMap((t) => (t.base.dNSName !== undefined ? [t.base.dNSName] : [])),
      dirs: (trees ?? []).flatMap((t) => (t.base.directoryName ? [Buffer.from(AsnConvert.serialize(t.base.directoryName))] : [])),
    });
    const p = pick(nc.permittedSubtrees);
    const x = pick(nc.excludedSubtrees);
    facts.nameConstraints = { permittedDns: p.dns, excludedDns: x.dns, permittedDirectoryNames: p.dirs, excludedDirectoryNames: x.dirs };
  });
  decodeExtension(find(OID.masaUrl), 'masaUrl', (v) => {
    if (v[0] !== 0x16) throw new Error('not an IA5String');
    facts.masaUrl = v.subarray(v[1]! < 0x80 ? 2 : 2 + (v[1]! & 0x7f)).toString('ascii');
  });
  return facts as unknown as CertificateFacts;
}

function decodeExtension(value: Buffer | undefined, name: string, decode: (v: Buffer) => void): void {
  if (value === undefined) return;
  try {
    decode(value);
  } catch (e) {
    throw new X509Error('CERTIFICATE_INVALID', `the ${name} extension cannot be decoded: ${(e as Error).message}`);
  }
}

/** HardwareModuleName ::= SEQUENCE { hwType OID, hwSerialNum OCTET STRING }, inside otherName's [0] EXPLICIT. */
function decodeHardwareModuleName(value: Buffer): HardwareModuleNameFact {
  // asn1-x509 hands back the [0] EXPLICIT wrapper's contents or the wrapper itself depending on version: accept both.
  let der = value;
  if (der[0] === 0xa0) der = der.subarray(der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f));
  const parsed = asn1js.fromBER(der);
  const seq = parsed.result;
  if (parsed.offset === -1 || parsed.offset !== der.length || !(seq instanceof asn1js.Sequence)) throw new Error('HardwareModuleName is not a SEQUENCE');
  const [hwType, hwSerial] = seq.valueBlock.value;
  if (!(hwType instanceof asn1js.ObjectIdentifier) || !(hwSerial instanceof asn1js.OctetString) || seq.valueBlock.value.length !== 2) {
    throw new Error('HardwareModuleName must be { hwType OID, hwSerialNum OCTET STRING }');
  }
  return { hwType: asn1jsOidText(hwType.valueBlock.toString()), hwSerialNum: Buffer.from(hwSerial.valueBlock.valueHexView) };
}

function nameFacts(name: Name): NameFact[] {
  return name.flatMap((rdn) =>
    rdn.map((atv) => {
      const v = atv.value;
      const stringType: NameFact['stringType'] =
        v.printableString !== undefined
          ? 'printable'
          : v.utf8String !== undefined
            ? 'utf8'
            : v.ia5String !== undefined
              ? 'ia5'
              : v.bmpString !== undefined
                ? 'bmp'
                : v.teletexString !== undefined
                  ? 'teletex'
                  : v.universalString !== undefined
                    ? 'universal'
                    : 'other';
      return { oid: asn1jsOidText(atv.type), value: v.toString(), stringType };
    }),
  );
}

function timeEncoding(t: Time): 'utc' | 'generalized' {
  return t.utcTime !== undefined ? 'utc' : 'generalized';
}
