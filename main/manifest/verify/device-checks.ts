import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { OID } from '../../x509/oids.js';
import { compareDeviceEntries, devicesSha256 } from '../format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../format/manifest-document.js';
import { certificateSignedBy, publicKeyOf } from '../../x509/signature-check.js';
import { checkPath, describe } from './certificate-path.js';
import { verdict, type CheckResult } from './check-result.js';

/** One device entry with its certificate decoded once for every check. */
export interface DecodedEntry {
  readonly entry: DeviceEntry;
  readonly certificate: ParsedCertificate | null;
  readonly problem: string | null;
  readonly sha256: string | null;
  readonly spkiSha256: string | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const label = (e: DeviceEntry) => `${e.hardwareSerial}${e.certificate ? ` (certificate ${e.certificate.serial})` : ''}`;

export function decodeEntries(doc: ManifestDocument): DecodedEntry[] {
  return doc.devices.map((entry) => {
    if (entry.certificate === null) return { entry, certificate: null, problem: null, sha256: null, spkiSha256: null };
    const der = Buffer.from(entry.certificate.der, 'base64');
    try {
      const certificate = parseCertificateFast(der);
      return { entry, certificate, problem: null, sha256: sha256(der), spkiSha256: sha256(certificate.spki) };
    } catch (e) {
      return { entry, certificate: null, problem: `${label(entry)}: the certificate cannot be read: ${(e as Error).message}`, sha256: sha256(der), spkiSha256: null };
    }
  });
}

/** devices.chain: the named issuing CA chains to a trusted root, and every device certificate names it as its issuer. */
export function checkDeviceChain(entries: readonly DecodedEntry[], caChain: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], at: Date): CheckResult {
  const ca = caChain[0]!;
  const problems: string[] = [];
  const path = checkPath(ca, caChain.slice(1), anchors, at);
  if (!path.ok) problems.push(`issuing CA ${describe(ca)}: ${path.problem}`);
  if (ca.basicConstraints?.ca !== true) problems.push(`issuing CA ${describe(ca)} is not a CA certificate`);
  for (const d of entries) {
    if (d.problem) problems.push(d.problem);
    if (!d.certificate) continue;
    const c = d.certificate;
    if (!c.issuerDer.equals(ca.subjectDer)) problems.push(`${label(d.entry)}: issued by "${c.issuer.map((a) => a.value).join(', ')}", not by the issuing CA ${describe(ca)}`);
    else if (c.authorityKeyId && ca.subjectKeyId && !c.authorityKeyId.equals(ca.subjectKeyId)) problems.push(`${label(d.entry)}: its authority key identifier is not the issuing CA's key`);
    if (c.basicConstraints?.ca === true) problems.push(`${label(d.entry)}: a device certificate must not be a CA`);
  }
  const n = entries.filter((d) => d.certificate).length;
  return verdict('devices.chain', problems, `the issuing CA chains to the trusted root (${path.ok ? path.path.length : '?'} certificates) and names all ${n} device certificates`, (k) => `${k} chain problem(s)`);
}

/** devices.certificate-signature: every device certificate's signature verifies with the issuing CA's key. */
export function checkDeviceSignatures(entries: readonly DecodedEntry[], ca: ParsedCertificate): CheckResult {
  const key = publicKeyOf(ca);
  const problems: string[] = [];
  let n = 0;
  for (const d of entries) {
    if (d.problem) problems.push(d.problem);
    if (!d.certificate) continue;
    n++;
    if (!certificateSignedBy(d.certificate, key)) problems.push(`${label(d.entry)}: the signature does not verify with the key of the issuing CA ${describe(ca)}`);
  }
  return verdict('devices.certificate-signature', problems, `all ${n} device certificates are signed by ${describe(ca)}`, (k) => `${k} certificate(s) not signed by the issuing CA`);
}

/** devices.digests: the certificate and public-key SHA-256 and the serial each entry states are those of its certificate. */
export function checkDeviceDigests(entries: readonly DecodedEntry[]): CheckResult {
  const problems: string[] = [];
  for (const d of entries) {
    const c = d.entry.certificate;
    if (!c) continue;
    if (d.sha256 !== c.sha256) problems.push(`${label(d.entry)}: certificate SHA-256 stated ${c.sha256}, the certificate's is ${d.sha256}`);
    if (d.certificate && d.spkiSha256 !== c.publicKeySha256) problems.push(`${label(d.entry)}: public-key SHA-256 stated ${c.publicKeySha256}, the certificate's is ${d.spkiSha256}`);
    if (d.certificate && d.certificate.serial.toString('hex') !== c.serial) problems.push(`${label(d.entry)}: serial stated ${c.serial}, the certificate's is ${d.certificate.serial.toString('hex')}`);
  }
  return verdict('devices.digests', problems, 'every certificate, public-key digest and serial matches its certificate', (k) => `${k} digest mismatch(es)`);
}

/** devices.list-digest: the entries are in the documented order and devicesSha256 is their canonical-JSON digest. */
export function checkListDigest(doc: ManifestDocument): CheckResult {
  const problems: string[] = [];
  for (let i = 1; i < doc.devices.length; i++) {
    if (compareDeviceEntries(doc.devices[i - 1]!, doc.devices[i]!) > 0) {
      problems.push(`entry ${i} (${doc.devices[i]!.hardwareSerial}) is out of order`);
      break;
    }
  }
  const actual = devicesSha256(doc.devices);
  if (actual !== doc.devicesSha256) problems.push(`devicesSha256 states ${doc.devicesSha256}, the entries hash to ${actual}`);
  return verdict('devices.list-digest', problems, `the ${doc.devices.length} entries are sorted and hash to devicesSha256`, (k) => `${k} list problem(s)`);
}

/**
 * devices.802-1ar: each certificate carries the hardware serial as IEEE 802.1AR expects
 * and the work order's policy demands: subject serialNumber (PrintableString) equal to it,
 * one SAN hardwareModuleName with the policy's hwType and hwSerialNum = its UTF-8 bytes,
 * the serial matching the policy's pattern, the entry's model the work order's.
 */
export function checkIdevidFields(doc: ManifestDocument, entries: readonly DecodedEntry[]): CheckResult {
  const policy = doc.workOrder.policy;
  let pattern: RegExp | null = null;
  const problems: string[] = [];
  try {
    pattern = new RegExp(`^(?:${policy.serialPattern})$`, 'u');
  } catch {
    problems.push(`the serial pattern ${policy.serialPattern} is not a regular expression`);
  }
  for (const d of entries) {
    const serial = d.entry.hardwareSerial;
    if (pattern && !pattern.test(serial)) problems.push(`${serial}: does not match the serial pattern ${policy.serialPattern}`);
    if (d.entry.model !== doc.workOrder.model) problems.push(`${serial}: model ${d.entry.model}, the work order is for ${doc.workOrder.model}`);
    const c = d.certificate;
    if (!c) continue;
    const subjectSerials = c.subject.filter((a) => a.oid === OID.serialNumber);
    if (policy.subjectSerialNumber) {
      if (subjectSerials.length !== 1 || subjectSerials[0]!.value !== serial) problems.push(`${label(d.entry)}: subject serialNumber is ${subjectSerials.map((a) => `"${a.value}"`).join(', ') || 'absent'}, expected "${serial}"`);
      else if (subjectSerials[0]!.stringType !== 'printable') problems.push(`${label(d.entry)}: subject serialNumber is not a PrintableString`);
    }
    const hmn = c.san?.hardwareModuleNames ?? [];
    if (hmn.length !== 1) problems.push(`${label(d.entry)}: expected one hardwareModuleName in the SAN, found ${hmn.length}`);
    else {
      if (hmn[0]!.hwType !== policy.hwType) problems.push(`${label(d.entry)}: hwType ${hmn[0]!.hwType}, the policy says ${policy.hwType}`);
      if (!hmn[0]!.hwSerialNum.equals(Buffer.from(serial, 'utf8'))) problems.push(`${label(d.entry)}: hwSerialNum is "${hmn[0]!.hwSerialNum.toString('utf8')}", not the hardware serial`);
    }
  }
  return verdict('devices.802-1ar', problems, 'every certificate carries its hardware serial in subject serialNumber and hardwareModuleName as the policy demands', (k) => `${k} 802.1AR problem(s)`);
}

/** What identifies a device across manifests (computed from the certificates, not the stated digests). */
export interface DeviceIdentities {
  readonly serials: Set<string>;
  readonly certificates: Set<string>;
  readonly publicKeys: Set<string>;
}

export function identitiesOf(entries: readonly DecodedEntry[]): DeviceIdentities {
  return {
    serials: new Set(entries.map((d) => d.entry.hardwareSerial)),
    certificates: new Set(entries.flatMap((d) => (d.sha256 ? [d.sha256] : []))),
    publicKeys: new Set(entries.flatMap((d) => (d.spkiSha256 ? [d.spkiSha256] : []))),
  };
}

/**
 * devices.no-duplicates: within the manifest, a hardware serial has at most one entry
 * that is not superseded; no certificate appears twice; no public key belongs to two
 * serials; and (with --previous) no serial, certificate or public key of this manifest
 * was already in the previous one.
 */
export function checkNoDuplicates(entries: readonly DecodedEntry[], previous: DeviceIdentities | null): CheckResult {
  const problems: string[] = [];
  const current = new Map<string, number>();
  const certs = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const d of entries) {
    const serial = d.entry.hardwareSerial;
    if (d.entry.status !== 'superseded') {
      const n = (current.get(serial) ?? 0) + 1;
      current.set(serial, n);
      if (n === 2) problems.push(`${serial}: more than one entry that is not superseded (a serial holds one current certificate)`);
    }
    if (d.sha256) {
      const other = certs.get(d.sha256);
      if (other !== undefined) problems.push(`${serial}: certificate ${d.sha256} is listed twice (also for ${other})`);
      certs.set(d.sha256, serial);
    }
    if (d.spkiSha256) {
      const other = keys.get(d.spkiSha256);
      if (other !== undefined && other !== serial) problems.push(`${serial}: public key ${d.spkiSha256} also belongs to ${other}`);
      keys.set(d.spkiSha256, serial);
    }
  }
  if (previous) {
    for (const d of entries) {
      if (previous.serials.has(d.entry.hardwareSerial)) problems.push(`${d.entry.hardwareSerial}: already in the previous manifest`);
      if (d.sha256 && previous.certificates.has(d.sha256)) problems.push(`${label(d.entry)}: certificate already in the previous manifest`);
      if (d.spkiSha256 && previous.publicKeys.has(d.spkiSha256)) problems.push(`${label(d.entry)}: public key already in the previous manifest`);
    }
  }
  return verdict(
    'devices.no-duplicates',
    problems,
    `no duplicate serial, certificate or public key among ${entries.length} entries${previous ? ' or against the previous manifest' : ''}`,
    (k) => `${k} duplicate(s)`,
  );
}
