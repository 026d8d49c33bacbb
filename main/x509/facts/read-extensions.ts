import { DerError } from '../der/der-errors.js';
import { parseDer, type DerNode } from '../der/der-reader.js';
import type { CertificateFacts, HardwareModuleNameFact } from '../certificate-facts.js';
import { KEY_USAGE_BITS, type KeyUsage } from '../extensions/key-usage.js';
import { OID } from '../oids.js';
import { outside } from './outside-fast-subset.js';
import { readNameFacts } from './read-name.js';

export interface ExtensionFact {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Buffer;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type DecodedExtensions = Mutable<
  Pick<CertificateFacts, 'basicConstraints' | 'keyUsage' | 'extendedKeyUsage' | 'subjectKeyId' | 'authorityKeyId' | 'san' | 'nameConstraints' | 'masaUrl'>
>;

const VALUE_MAX_DEPTH = 8;
const KEY_USAGE_ENTRIES = Object.entries(KEY_USAGE_BITS) as [KeyUsage, number][];

/**
 * Decodes the extensions the lints read. Like the asn1-x509 reader, only the first
 * occurrence of each OID is decoded (duplicates are the no-duplicates lint's business)
 * and extensions it does not know are carried as bytes only.
 */
export function decodeExtensions(extensions: readonly ExtensionFact[]): DecodedExtensions {
  const out: DecodedExtensions = {};
  const seen = new Set<string>();
  for (const e of extensions) {
    if (seen.has(e.oid)) continue;
    seen.add(e.oid);
    switch (e.oid) {
      case OID.basicConstraints:
        out.basicConstraints = basicConstraints(value(e));
        break;
      case OID.keyUsage:
        out.keyUsage = keyUsage(value(e));
        break;
      case OID.extKeyUsage:
        out.extendedKeyUsage = extendedKeyUsage(value(e));
        break;
      case OID.subjectKeyIdentifier: {
        const v = value(e);
        if (v.id !== 0x04) outside('subjectKeyIdentifier is not an OCTET STRING');
        out.subjectKeyId = v.content();
        break;
      }
      case OID.authorityKeyIdentifier: {
        const keyId = authorityKeyId(value(e));
        if (keyId !== undefined) out.authorityKeyId = keyId;
        break;
      }
      case OID.subjectAltName:
        out.san = subjectAltName(value(e));
        break;
      case OID.nameConstraints:
        out.nameConstraints = nameConstraints(value(e));
        break;
      case OID.masaUrl:
        out.masaUrl = masaUrl(e.value);
        break;
    }
  }
  return out;
}

function value(e: ExtensionFact): DerNode {
  try {
    return parseDer(e.value, { maxDepth: VALUE_MAX_DEPTH });
  } catch (err) {
    if (err instanceof DerError) outside(`extension ${e.oid} value is not strict DER`);
    throw err;
  }
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function basicConstraints(v: DerNode): { ca: boolean; pathLen?: number } {
  if (v.id !== 0x30) outside('basicConstraints is not a SEQUENCE');
  let i = 0;
  let ca = false;
  const first = v.children[0];
  if (first?.id === 0x01) {
    ca = first.buf[first.contentStart] === 0xff;
    i++;
  }
  const len = v.children[i];
  if (len === undefined) return { ca };
  if (len.id !== 0x02 || i + 1 !== v.children.length) outside('basicConstraints fields');
  return { ca, pathLen: smallNonNegative(len) };
}

/** A non-negative INTEGER below 2^31; bigger or negative ones are left to the slow path. */
function smallNonNegative(n: DerNode): number {
  const c = n.content();
  if (c.length > 4 || c[0]! & 0x80) outside('INTEGER outside 0..2^31-1');
  let value = 0;
  for (const b of c) value = value * 256 + b;
  return value;
}

/** KeyUsage named bits 0..8; the reader has already required zero padding bits. */
function keyUsage(v: DerNode): Set<KeyUsage> {
  if (v.id !== 0x03 || v.length > 3) outside('keyUsage is not a BIT STRING of at most 16 bits');
  const bits = v.buf.subarray(v.contentStart + 1, v.end);
  const set = new Set<KeyUsage>();
  for (const [name, bit] of KEY_USAGE_ENTRIES) {
    if (((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) set.add(name);
  }
  return set;
}

function extendedKeyUsage(v: DerNode): string[] {
  if (v.id !== 0x30) outside('extKeyUsage is not a SEQUENCE');
  return v.children.map((p) => {
    if (p.id !== 0x06) outside('extKeyUsage purpose is not an OID');
    return p.oid();
  });
}

/** keyIdentifier [0] only; issuer and serial ([1], [2]) are left to the slow path. */
function authorityKeyId(v: DerNode): Buffer | undefined {
  if (v.id !== 0x30 || v.children.length > 1) outside('authorityKeyIdentifier shape');
  const keyId = v.children[0];
  if (keyId === undefined) return undefined;
  if (keyId.id !== 0x80) outside('authorityKeyIdentifier field other than keyIdentifier');
  return keyId.content();
}

type SanFact = NonNullable<CertificateFacts['san']>;

function subjectAltName(v: DerNode): SanFact {
  if (v.id !== 0x30) outside('subjectAltName is not a SEQUENCE');
  const san: SanFact = { dns: [], uris: [], hardwareModuleNames: [], other: [] };
  for (const gn of v.children) {
    if (gn.id === 0x82) san.dns.push(gn.content().toString('latin1'));
    else if (gn.id === 0x86) san.uris.push(gn.content().toString('latin1'));
    else if (gn.id === 0xa0) {
      const [typeId, wrapped] = gn.children;
      if (gn.children.length !== 2 || typeId!.id !== 0x06 || wrapped!.id !== 0xa0) outside('otherName shape');
      const type = typeId!.oid();
      if (type === OID.hardwareModuleName) san.hardwareModuleNames.push(hardwareModuleName(wrapped!));
      else san.other.push(`otherName ${type}`);
    } else outside(`GeneralName with tag 0x${gn.id.toString(16)}`);
  }
  return san;
}

/** value [0] EXPLICIT HardwareModuleName ::= SEQUENCE { hwType OID, hwSerialNum OCTET STRING } */
function hardwareModuleName(wrapped: DerNode): HardwareModuleNameFact {
  const [seq, extra] = wrapped.children;
  if (seq === undefined || extra !== undefined || seq.id !== 0x30) outside('HardwareModuleName is not one SEQUENCE');
  const [hwType, hwSerial] = seq.children;
  if (seq.children.length !== 2 || hwType!.id !== 0x06 || hwSerial!.id !== 0x04) outside('HardwareModuleName fields');
  return { hwType: hwType!.oid(), hwSerialNum: hwSerial!.content() };
}

type NameConstraintsFact = NonNullable<CertificateFacts['nameConstraints']>;

function nameConstraints(v: DerNode): NameConstraintsFact {
  if (v.id !== 0x30) outside('nameConstraints is not a SEQUENCE');
  const trees = { permitted: { dns: [] as string[], dirs: [] as Buffer[] }, excluded: { dns: [] as string[], dirs: [] as Buffer[] } };
  let last = -1;
  for (const part of v.children) {
    const which = part.id === 0xa0 ? 0 : part.id === 0xa1 ? 1 : outside('nameConstraints field');
    if (which <= last) outside('nameConstraints fields out of order');
    last = which;
    const into = which === 0 ? trees.permitted : trees.excluded;
    for (const subtree of part.children) {
      const [base, extra] = subtree.children;
      if (subtree.id !== 0x30 || base === undefined || extra !== undefined) outside('GeneralSubtree with minimum or maximum');
      if (base.id === 0x82) into.dns.push(base.content().toString('latin1'));
      else if (base.id === 0xa4 && base.children.length === 1) {
        const name = base.children[0]!;
        // Proves the Name is in the subset whose bytes asn1-schema re-serializes unchanged.
        readNameFacts(name);
        into.dirs.push(name.raw());
      } else outside(`name constraint base with tag 0x${base.id.toString(16)}`);
    }
  }
  return {
    permittedDns: trees.permitted.dns,
    excludedDns: trees.excluded.dns,
    permittedDirectoryNames: trees.permitted.dirs,
    excludedDirectoryNames: trees.excluded.dirs,
  };
}

/** The same hand decoding as the asn1-x509 reader's: an IA5String, header skipped. */
function masaUrl(v: Buffer): string {
  if (v[0] !== 0x16) outside('id-pe-masa-url is not an IA5String');
  return v.subarray(v[1]! < 0x80 ? 2 : 2 + (v[1]! & 0x7f)).toString('ascii');
}
