import type { DerNode } from '../der/der-reader.js';
import type { CertificateFacts } from '../certificate-facts.js';
import { decodeExtensions, type ExtensionFact } from './read-extensions.js';
import { readNameFacts } from './read-name.js';
import { outside } from './outside-fast-subset.js';
import { readTime } from './read-time.js';

/**
 * TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
 * issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] OPTIONAL,
 * subjectUniqueID [2] OPTIONAL, extensions [3] EXPLICIT OPTIONAL } (RFC 5280 §4.1), read
 * from a strictly parsed DER tree into the same facts the asn1-x509 reader produces.
 * Buffers in the facts are views into the parsed bytes.
 */
export function readTbsFacts(tbs: DerNode): CertificateFacts {
  if (tbs.id !== 0x30) outside('TBSCertificate is not a SEQUENCE');
  const f = tbs.children;
  let i = 0;
  let version = 0;
  if (f[0]?.id === 0xa0) {
    const v = f[0].children;
    if (v.length !== 1 || v[0]!.id !== 0x02 || v[0]!.length !== 1 || v[0]!.buf[v[0]!.contentStart]! & 0x80) outside('version');
    version = v[0]!.buf[v[0]!.contentStart]!;
    i++;
  }
  const serial = f[i++];
  const signature = f[i++];
  const issuer = f[i++];
  const validity = f[i++];
  const subject = f[i++];
  const spki = f[i++];
  const extensionsWrapper = f[i++];
  if (
    serial?.id !== 0x02 ||
    signature?.id !== 0x30 ||
    issuer?.id !== 0x30 ||
    validity?.id !== 0x30 ||
    subject?.id !== 0x30 ||
    spki?.id !== 0x30 ||
    (extensionsWrapper !== undefined && extensionsWrapper.id !== 0xa3) ||
    i < f.length
  ) {
    outside('TBSCertificate fields (or issuer/subject unique IDs)');
  }

  const [sigOid, sigParams, sigExtra] = signature.children;
  if (sigOid?.id !== 0x06 || sigExtra !== undefined) outside('signature AlgorithmIdentifier');
  const [notBefore, notAfter, validityExtra] = validity.children;
  if (notBefore === undefined || notAfter === undefined || validityExtra !== undefined) outside('Validity');
  const before = readTime(notBefore);
  const after = readTime(notAfter);

  const [spkiAlg, spkiBits, spkiExtra] = spki.children;
  const spkiOid = spkiAlg?.children[0];
  if (spkiAlg?.id !== 0x30 || spkiOid?.id !== 0x06 || spkiAlg.children.length > 2 || spkiBits?.id !== 0x03 || spkiExtra !== undefined) {
    outside('SubjectPublicKeyInfo');
  }
  // asn1-schema re-serializes the key BIT STRING with 0 unused bits; any other count would differ.
  if (spkiBits.buf[spkiBits.contentStart] !== 0) outside('subjectPublicKey with unused bits');

  const extensions = extensionsWrapper === undefined ? [] : readExtensionList(extensionsWrapper);
  return {
    tbsDer: tbs.raw(),
    version,
    serial: serial.content(),
    signatureAlgorithm: sigOid.oid(),
    signatureAlgorithmHasParams: sigParams !== undefined,
    issuerDer: issuer.raw(),
    issuer: readNameFacts(issuer),
    subjectDer: subject.raw(),
    subject: readNameFacts(subject),
    notBefore: before.date,
    notBeforeEncoding: before.encoding,
    notAfter: after.date,
    notAfterEncoding: after.encoding,
    spki: spki.raw(),
    spkiAlgorithm: spkiOid.oid(),
    extensions,
    ...decodeExtensions(extensions),
  };
}

/** Extensions ::= SEQUENCE OF Extension; Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function readExtensionList(wrapper: DerNode): ExtensionFact[] {
  const list = wrapper.children[0];
  if (list?.id !== 0x30 || wrapper.children.length !== 1) outside('extensions [3] does not hold one SEQUENCE');
  return list.children.map((ext) => {
    const [id, second, third, extra] = ext.children;
    if (ext.id !== 0x30 || id?.id !== 0x06 || extra !== undefined) outside('Extension shape');
    const critical = third === undefined ? undefined : second;
    const value = third ?? second;
    if (value?.id !== 0x04 || (critical !== undefined && critical.id !== 0x01)) outside('Extension fields');
    return { oid: id.oid(), critical: critical !== undefined && critical.buf[critical.contentStart] === 0xff, value: value.content() };
  });
}
