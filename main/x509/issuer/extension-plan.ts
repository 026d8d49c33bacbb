import { bitString, boolean, octetString, oid, sequence } from '../der/der-writer.js';
import { encodeExtension, type Extension } from '../extensions/extension.js';
import { subjectKeyIdentifier } from '../extensions/key-identifier.js';
import { subjectAltName, type HardwareModuleName } from '../extensions/subject-alt-name.js';
import { OID } from '../oids.js';

/** The extensions that change from one certificate to the next under one CA and profile. */
export type ExtensionSlot = 'subjectKeyIdentifier' | 'hardwareModuleName';

/** A profile's extensions in order: encoded once where constant, slots where per-certificate. */
export interface ExtensionPlan {
  readonly parts: readonly (Buffer | ExtensionSlot)[];
  /** criticality of the subjectAltName slot, as the profile sets it */
  readonly sanCritical: boolean;
}

/** Builds a profile's extensions for a subject key and (IDevID) hardwareModuleName. */
export type ProfileExtensions = (subjectSpki: Buffer, hardwareModuleName: HardwareModuleName) => Extension[];

// Two made-up subjects that differ in everything a profile may take from the subject.
const SAMPLES = [
  { spki: sampleSpki(0x11), hardwareModuleName: { hwType: '1.3.6.1.4.1.55555.1', hwSerialNum: Buffer.from('sample-a') } },
  { spki: sampleSpki(0x22), hardwareModuleName: { hwType: '1.3.6.1.4.1.55555.2', hwSerialNum: Buffer.from('sample-bb') } },
] as const;

/**
 * Runs the profile function for two different sample subjects and splits its output:
 * extensions identical for both are encoded once; the subjectKeyIdentifier and the
 * hardwareModuleName SAN become slots, after proving the profile built them exactly as
 * the slot encoders will. Anything else that varies with the subject is a profile this
 * plan cannot pre-encode, and is refused rather than guessed at.
 */
export function planExtensions(build: ProfileExtensions): ExtensionPlan {
  const [a, b] = SAMPLES.map((s) => build(s.spki, s.hardwareModuleName)) as [Extension[], Extension[]];
  if (a.length !== b.length) throw cannotPlan('the number of extensions depends on the subject');
  const parts: (Buffer | ExtensionSlot)[] = [];
  let sanCritical = false;
  a.forEach((ea, i) => {
    const eb = b[i]!;
    if (ea.oid !== eb.oid || ea.critical !== eb.critical) throw cannotPlan(`extension ${i} depends on the subject`);
    if (ea.oid === OID.subjectKeyIdentifier) {
      if (!sameExtension(ea, subjectKeyIdentifier(SAMPLES[0].spki)) || !sameExtension(eb, subjectKeyIdentifier(SAMPLES[1].spki))) {
        throw cannotPlan('subjectKeyIdentifier is not the RFC 7093 key identifier of the subject key');
      }
      parts.push('subjectKeyIdentifier');
    } else if (ea.value.equals(eb.value)) {
      parts.push(encodeExtension(ea));
    } else if (ea.oid === OID.subjectAltName) {
      if (
        !sameExtension(ea, hardwareModuleNameSan(SAMPLES[0].hardwareModuleName, ea.critical)) ||
        !sameExtension(eb, hardwareModuleNameSan(SAMPLES[1].hardwareModuleName, eb.critical))
      ) {
        throw cannotPlan('subjectAltName is not exactly the hardwareModuleName');
      }
      sanCritical = ea.critical;
      parts.push('hardwareModuleName');
    } else {
      throw cannotPlan(`extension ${ea.oid} depends on the subject`);
    }
  });
  return { parts, sanCritical };
}

const oidCache = new Map<string, Buffer>();
const OID_CACHE_LIMIT = 64;

/** OBJECT IDENTIFIER TLVs by dotted form: the encoder's BigInt arithmetic is the costly part of a small extension. */
export function cachedOid(dotted: string): Buffer {
  let tlv = oidCache.get(dotted);
  if (tlv === undefined) {
    tlv = oid(dotted);
    if (oidCache.size >= OID_CACHE_LIMIT) oidCache.delete(oidCache.keys().next().value!);
    oidCache.set(dotted, tlv);
  }
  return tlv;
}

/** encodeExtension (extensions/extension.ts) with a cached OID. */
export function encodeExtensionCached(extension: Extension): Buffer {
  return extension.critical
    ? sequence(cachedOid(extension.oid), boolean(true), octetString(extension.value))
    : sequence(cachedOid(extension.oid), octetString(extension.value));
}

export function hardwareModuleNameSan(name: HardwareModuleName, critical: boolean): Extension {
  return subjectAltName([{ kind: 'hardwareModuleName', value: name }], critical);
}

function sameExtension(x: Extension, y: Extension): boolean {
  return x.oid === y.oid && x.critical === y.critical && x.value.equals(y.value);
}

function cannotPlan(why: string): Error {
  // A programming error in a profile, not a user input problem.
  return new Error(`the prepared issuer cannot pre-encode this profile: ${why}`);
}

/** SubjectPublicKeyInfo-shaped bytes: the profiles only hash the key bits. */
function sampleSpki(fill: number): Buffer {
  return sequence(sequence(oid(OID.ecPublicKey), oid(OID.prime256v1)), bitString(Buffer.alloc(65, fill)));
}
