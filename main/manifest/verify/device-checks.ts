import { createHash, type KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { OID } from '../../x509/oids.js';
import { compareDeviceEntries, devicesSha256Stream } from '../format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../format/manifest-document.js';
import { certificateSignedBy, publicKeyOf } from '../../x509/signature-check.js';
import { checkPath, describe, type PathResult } from './certificate-path.js';
import { verdict, type CheckResult } from './check-result.js';

/*
 * The per-device checks run in one pass over the entries: each entry's certificate is
 * decoded once, handed to every check's add(), and dropped. A check keeps only what it
 * reports from (counts, problems, the digests duplicates are found by), never the parsed
 * certificates, which at 100,000 devices cost gigabytes when all were held at once.
 */

/** One device entry with its certificate decoded, alive only while the entry is checked. */
export interface DecodedEntry {
  readonly entry: DeviceEntry;
  readonly certificate: ParsedCertificate | null;
  readonly problem: string | null;
  readonly sha256: string | null;
  readonly spkiSha256: string | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const labelOf = (hardwareSerial: string, certificateSerial: string | null) =>
  `${hardwareSerial}${certificateSerial !== null ? ` (certificate ${certificateSerial})` : ''}`;
const label = (e: DeviceEntry) => labelOf(e.hardwareSerial, e.certificate ? e.certificate.serial : null);
/** How problems name an entry: its hardware serial and certificate serial. */
export const entryLabel = label;

export function decodeEntry(entry: DeviceEntry): DecodedEntry {
  if (entry.certificate === null) return { entry, certificate: null, problem: null, sha256: null, spkiSha256: null };
  const der = Buffer.from(entry.certificate.der, 'base64');
  try {
    const certificate = parseCertificateFast(der);
    return { entry, certificate, problem: null, sha256: sha256(der), spkiSha256: sha256(certificate.spki) };
  } catch (e) {
    return {
      entry,
      certificate: null,
      problem: `${label(entry)}: the certificate cannot be read: ${(e as Error).message}`,
      sha256: sha256(der),
      spkiSha256: null,
    };
  }
}

/** devices.chain: the named issuing CA chains to a trusted root, and every device certificate names it as its issuer. */
export class DeviceChainCheck {
  private readonly ca: ParsedCertificate;
  private readonly path: PathResult;
  private readonly problems: string[] = [];
  private n = 0;

  constructor(caChain: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], at: Date) {
    const ca = caChain[0]!;
    this.ca = ca;
    this.path = checkPath(ca, caChain.slice(1), anchors, at);
    if (!this.path.ok) this.problems.push(`issuing CA ${describe(ca)}: ${this.path.problem}`);
    if (ca.basicConstraints?.ca !== true) this.problems.push(`issuing CA ${describe(ca)} is not a CA certificate`);
  }

  add(d: DecodedEntry): void {
    const ca = this.ca;
    if (d.problem) this.problems.push(d.problem);
    if (!d.certificate) return;
    this.n++;
    const c = d.certificate;
    if (!c.issuerDer.equals(ca.subjectDer))
      this.problems.push(`${label(d.entry)}: issued by "${c.issuer.map((a) => a.value).join(', ')}", not by the issuing CA ${describe(ca)}`);
    else if (c.authorityKeyId && ca.subjectKeyId && !c.authorityKeyId.equals(ca.subjectKeyId))
      this.problems.push(`${label(d.entry)}: its authority key identifier is not the issuing CA's key`);
    if (c.basicConstraints?.ca === true) this.problems.push(`${label(d.entry)}: a device certificate must not be a CA`);
  }

  result(): CheckResult {
    const path = this.path;
    return verdict(
      'devices.chain',
      this.problems,
      `the issuing CA chains to the trusted root (${path.ok ? path.path.length : '?'} certificates) and names all ${this.n} device certificates`,
      (k) => `${k} chain problem(s)`,
    );
  }
}

/** devices.certificate-signature: every device certificate's signature verifies with the issuing CA's key. */
export class DeviceSignatureCheck {
  private readonly key: KeyObject;
  private readonly problems: string[] = [];
  private n = 0;

  constructor(private readonly ca: ParsedCertificate) {
    this.key = publicKeyOf(ca);
  }

  add(d: DecodedEntry): void {
    if (d.problem) this.problems.push(d.problem);
    if (!d.certificate) return;
    this.n++;
    if (!certificateSignedBy(d.certificate, this.key))
      this.problems.push(`${label(d.entry)}: the signature does not verify with the key of the issuing CA ${describe(this.ca)}`);
  }

  result(): CheckResult {
    return verdict(
      'devices.certificate-signature',
      this.problems,
      `all ${this.n} device certificates are signed by ${describe(this.ca)}`,
      (k) => `${k} certificate(s) not signed by the issuing CA`,
    );
  }
}

/** devices.digests: the certificate and public-key SHA-256 and the serial each entry states are those of its certificate. */
export class DeviceDigestsCheck {
  private readonly problems: string[] = [];
  /** allowance → serials, so QA sees which devices came with which CSR quirk */
  private readonly allowances = new Map<string, string[]>();

  add(d: DecodedEntry): void {
    const c = d.entry.certificate;
    if (!c) return;
    for (const a of c.request?.allowances ?? []) {
      const serials = this.allowances.get(a) ?? [];
      serials.push(d.entry.hardwareSerial);
      this.allowances.set(a, serials);
    }
    if (d.sha256 !== c.sha256) this.problems.push(`${label(d.entry)}: certificate SHA-256 stated ${c.sha256}, the certificate's is ${d.sha256}`);
    if (d.certificate && d.spkiSha256 !== c.publicKeySha256)
      this.problems.push(`${label(d.entry)}: public-key SHA-256 stated ${c.publicKeySha256}, the certificate's is ${d.spkiSha256}`);
    if (d.certificate && d.certificate.serial.toString('hex') !== c.serial)
      this.problems.push(`${label(d.entry)}: serial stated ${c.serial}, the certificate's is ${d.certificate.serial.toString('hex')}`);
  }

  result(): CheckResult {
    const info = [...this.allowances]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(
        ([a, serials]) =>
          `${serials.length} certificate(s) issued for CSRs accepted under the allowance ${a}: ${serials.slice(0, 10).join(', ')}${serials.length > 10 ? ', …' : ''}`,
      );
    return verdict(
      'devices.digests',
      this.problems,
      'every certificate, public-key digest and serial matches its certificate',
      (k) => `${k} digest mismatch(es)`,
      info,
    );
  }
}

/** devices.list-digest: the entries are in the documented order and devicesSha256 is their canonical-JSON digest. */
export class ListDigestCheck {
  private readonly digest = devicesSha256Stream();
  private previous: DeviceEntry | null = null;
  private index = 0;
  private outOfOrder: string | null = null;

  add(entry: DeviceEntry): void {
    // only the first misplaced entry is reported: after it, "out of order" says nothing new
    if (this.previous && this.outOfOrder === null && compareDeviceEntries(this.previous, entry) > 0)
      this.outOfOrder = `entry ${this.index} (${entry.hardwareSerial}) is out of order`;
    this.digest.add(entry);
    this.previous = entry;
    this.index++;
  }

  result(stated: string): CheckResult {
    const problems: string[] = [];
    if (this.outOfOrder !== null) problems.push(this.outOfOrder);
    const actual = this.digest.hex();
    if (actual !== stated) problems.push(`devicesSha256 states ${stated}, the entries hash to ${actual}`);
    return verdict('devices.list-digest', problems, `the ${this.index} entries are sorted and hash to devicesSha256`, (k) => `${k} list problem(s)`);
  }
}

/**
 * devices.802-1ar: each certificate carries the hardware serial as IEEE 802.1AR expects
 * and the work order's policy demands: subject serialNumber (PrintableString) equal to it,
 * one SAN hardwareModuleName with the policy's hwType and hwSerialNum = its UTF-8 bytes,
 * the serial matching the policy's pattern, the entry's model the work order's.
 */
export class IdevidFieldsCheck {
  private readonly pattern: RegExp | null = null;
  private readonly problems: string[] = [];

  constructor(private readonly workOrder: ManifestDocument['workOrder']) {
    try {
      this.pattern = new RegExp(`^(?:${workOrder.policy.serialPattern})$`, 'u');
    } catch {
      this.problems.push(`the serial pattern ${workOrder.policy.serialPattern} is not a regular expression`);
    }
  }

  add(d: DecodedEntry): void {
    const { policy, model } = this.workOrder;
    const problems = this.problems;
    const serial = d.entry.hardwareSerial;
    if (this.pattern && !this.pattern.test(serial)) problems.push(`${serial}: does not match the serial pattern ${policy.serialPattern}`);
    if (d.entry.model !== model) problems.push(`${serial}: model ${d.entry.model}, the work order is for ${model}`);
    const c = d.certificate;
    if (!c) return;
    const subjectSerials = c.subject.filter((a) => a.oid === OID.serialNumber);
    if (policy.subjectSerialNumber) {
      if (subjectSerials.length !== 1 || subjectSerials[0]!.value !== serial)
        problems.push(`${label(d.entry)}: subject serialNumber is ${subjectSerials.map((a) => `"${a.value}"`).join(', ') || 'absent'}, expected "${serial}"`);
      else if (subjectSerials[0]!.stringType !== 'printable') problems.push(`${label(d.entry)}: subject serialNumber is not a PrintableString`);
    }
    const hmn = c.san?.hardwareModuleNames ?? [];
    if (hmn.length !== 1) problems.push(`${label(d.entry)}: expected one hardwareModuleName in the SAN, found ${hmn.length}`);
    else {
      if (hmn[0]!.hwType !== policy.hwType) problems.push(`${label(d.entry)}: hwType ${hmn[0]!.hwType}, the policy says ${policy.hwType}`);
      if (!hmn[0]!.hwSerialNum.equals(Buffer.from(serial, 'utf8')))
        problems.push(`${label(d.entry)}: hwSerialNum is "${hmn[0]!.hwSerialNum.toString('utf8')}", not the hardware serial`);
    }
  }

  result(): CheckResult {
    return verdict(
      'devices.802-1ar',
      this.problems,
      'every certificate carries its hardware serial in subject serialNumber and hardwareModuleName as the policy demands',
      (k) => `${k} 802.1AR problem(s)`,
    );
  }
}

/** What identifies a device across manifests (computed from the certificates, not the stated digests). */
export interface DeviceIdentities {
  readonly serials: Set<string>;
  readonly certificates: Set<string>;
  readonly publicKeys: Set<string>;
}

/** Decodes each certificate of `devices` in turn and keeps only its digests. */
export function identitiesOf(devices: readonly DeviceEntry[]): DeviceIdentities {
  const ids: DeviceIdentities = { serials: new Set(), certificates: new Set(), publicKeys: new Set() };
  for (const entry of devices) {
    const d = decodeEntry(entry);
    ids.serials.add(entry.hardwareSerial);
    if (d.sha256) ids.certificates.add(d.sha256);
    if (d.spkiSha256) ids.publicKeys.add(d.spkiSha256);
  }
  return ids;
}

/** What the comparison with the previous manifest needs of an entry once its certificate is gone. */
interface EntryIdentity {
  readonly hardwareSerial: string;
  readonly certificateSerial: string | null;
  readonly sha256: string | null;
  readonly spkiSha256: string | null;
}

/**
 * devices.no-duplicates: within the manifest, a hardware serial has at most one entry
 * that is not superseded; no certificate appears twice; no public key belongs to two
 * serials; and (with --previous) no serial, certificate or public key of this manifest
 * was already in the previous one.
 */
export class NoDuplicatesCheck {
  private readonly problems: string[] = [];
  private readonly current = new Map<string, number>();
  private readonly certs = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  private n = 0;
  /** kept only when a previous manifest will be compared, which is read after this pass */
  private readonly seen: EntryIdentity[] | null;

  constructor(comparePrevious: boolean) {
    this.seen = comparePrevious ? [] : null;
  }

  add(d: DecodedEntry): void {
    this.n++;
    const serial = d.entry.hardwareSerial;
    if (d.entry.status !== 'superseded') {
      const n = (this.current.get(serial) ?? 0) + 1;
      this.current.set(serial, n);
      if (n === 2) this.problems.push(`${serial}: more than one entry that is not superseded (a serial holds one current certificate)`);
    }
    if (d.sha256) {
      const other = this.certs.get(d.sha256);
      if (other !== undefined) this.problems.push(`${serial}: certificate ${d.sha256} is listed twice (also for ${other})`);
      this.certs.set(d.sha256, serial);
    }
    if (d.spkiSha256) {
      const other = this.keys.get(d.spkiSha256);
      if (other !== undefined && other !== serial) this.problems.push(`${serial}: public key ${d.spkiSha256} also belongs to ${other}`);
      this.keys.set(d.spkiSha256, serial);
    }
    this.seen?.push({
      hardwareSerial: serial,
      certificateSerial: d.entry.certificate ? d.entry.certificate.serial : null,
      sha256: d.sha256,
      spkiSha256: d.spkiSha256,
    });
  }

  result(previous: DeviceIdentities | null): CheckResult {
    const problems = [...this.problems];
    if (previous && this.seen) {
      for (const e of this.seen) {
        if (previous.serials.has(e.hardwareSerial)) problems.push(`${e.hardwareSerial}: already in the previous manifest`);
        if (e.sha256 && previous.certificates.has(e.sha256))
          problems.push(`${labelOf(e.hardwareSerial, e.certificateSerial)}: certificate already in the previous manifest`);
        if (e.spkiSha256 && previous.publicKeys.has(e.spkiSha256))
          problems.push(`${labelOf(e.hardwareSerial, e.certificateSerial)}: public key already in the previous manifest`);
      }
    }
    return verdict(
      'devices.no-duplicates',
      problems,
      `no duplicate serial, certificate or public key among ${this.n} entries${previous ? ' or against the previous manifest' : ''}`,
      (k) => `${k} duplicate(s)`,
    );
  }
}
