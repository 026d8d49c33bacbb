import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { listMediaFolder, MediaFileError, readMediaFile } from '../../files/read-media-file.js';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { nameToString } from '../../x509/describe-certificate.js';
import { OID } from '../../x509/oids.js';
import type { DeviceEntry, ManifestDocument } from '../format/manifest-document.js';
import { ManifestError } from '../manifest-errors.js';
import { checkPath, describe, validAt } from './certificate-path.js';
import { CHECK_NAMES, skipped, verdict, type CheckName, type CheckResult, type VerificationReport } from './check-result.js';
import { CounterCheck } from './counter-check.js';
import {
  decodeEntry,
  DeviceChainCheck,
  DeviceDigestsCheck,
  DeviceSignatureCheck,
  entryLabel,
  identitiesOf,
  IdevidFieldsCheck,
  ListDigestCheck,
  NoDuplicatesCheck,
  type DecodedEntry,
} from './device-checks.js';
import { EntryConsistencyCheck } from './entry-consistency-check.js';
import { validateManifest } from './manifest-schema.js';
import { MatterDacCheck } from './matter-dac-check.js';
import { PlanCheck } from './plan-check.js';
import { checkSequence, type PreviousManifest } from './sequence-check.js';
import { verifyDetachedCms } from '../../cms/verify-detached-cms.js';
import { parseJsonText } from '../../encoding/json-syntax.js';

/** The file names of a manifest folder (the exporter writes the same names). */
export const MANIFEST_JSON = 'manifest.json';
export const MANIFEST_P7S = 'manifest.json.p7s';
/** V8 cannot hold a longer string to JSON.parse anyway; a bigger "manifest" is refused before it is read. */
export const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;
export const MAX_MANIFEST_P7S_BYTES = 1024 * 1024;

export interface VerifyOptions {
  /** the trusted roots */
  readonly anchors: readonly ParsedCertificate[];
  /** the production plan's serials (readPlanCsv), if QA has it */
  readonly plan?: readonly string[];
  /** the folder of this station's previous manifest */
  readonly previousDir?: string;
  readonly now?: Date;
  /** sees each entry as the pass checks it, in order (the QA drill-down keeps them; the pass itself drops them) */
  readonly onEntry?: (entry: DeviceEntry, index: number) => void;
}

/**
 * `hallmark manifest verify DIR`: every named check, each reported pass / fail / skip
 * with its details; `ok` only when none failed. Needs only the folder, the trusted root
 * and Node — no workspace, database, device or Electron (the online side runs it as is).
 */
export function verifyManifestFolder(dir: string, options: VerifyOptions): VerificationReport {
  const { json, p7s } = readManifestFolder(dir);
  return verifyManifest(json, p7s, dir, options);
}

/**
 * The reference verifier: one thread, every check in one pass. verifyManifestPooled
 * (verify-manifest-pooled.ts) runs the same pass with the signatures spread over a
 * worker pool, and must report exactly what this reports.
 */
export function verifyManifest(json: Buffer, p7s: Buffer, folder: string, options: VerifyOptions): VerificationReport {
  const pass = verificationPass(json, p7s, folder, options, (ca) => {
    const check = new DeviceSignatureCheck(ca);
    return { add: (d) => check.add(d), result: () => check.result() };
  });
  let step = pass.next();
  while (!step.done) step = pass.next();
  const { signatures, complete } = step.value;
  return complete(signatures ? signatures.result() : null);
}

/** The devices.certificate-signature check as the pass feeds it; its result may come later (pooled). */
export interface SignatureCheckSink<R> {
  add(d: DecodedEntry, index: number, label: string): void;
  result(): R;
}

/** Where the pass is, reported at each pause. */
export interface PassPosition {
  /** entries through the pass */
  readonly passed: number;
  /** entries in the manifest (0 until it is parsed) */
  readonly total: number;
}

/** The pass done: the signature check (null when it could not run) and how to finish the report with its result. */
export interface PassDone<R> {
  readonly signatures: SignatureCheckSink<R> | null;
  readonly complete: (signatureResult: CheckResult | null) => VerificationReport;
}

/** entries between two pauses of the pass, where a pooled driver lets answers in */
export const PASS_PAUSE_EVERY = 256;

/**
 * Every check but the signatures' verdict, as a generator that pauses every
 * PASS_PAUSE_EVERY entries: the reference driver runs straight through, the pooled one
 * yields to its event loop there so the workers' answers are taken in.
 */
export function* verificationPass<R>(
  json: Buffer,
  p7s: Buffer,
  folder: string,
  options: VerifyOptions,
  makeSignatures: (ca: ParsedCertificate) => SignatureCheckSink<R>,
): Generator<PassPosition, PassDone<R>, void> {
  const now = options.now ?? new Date();
  const results = new Map<CheckName, CheckResult>();
  const put = (r: CheckResult) => results.set(r.name, r);

  // --- the signature ---
  const signed = verifySignedFolder(json, p7s, options.anchors, now);
  put(signed.signature);
  put(signed.chain);
  put(signed.eku);

  // --- the document ---
  const doc = readDocument(json, put);

  let entryCount: number | null = null;
  let signatures: SignatureCheckSink<R> | null = null;
  if (doc) {
    entryCount = doc.devices.length;
    const caChain: ParsedCertificate[] = [];
    const caProblems: string[] = [];
    doc.issuingCaChain.forEach((b64, i) => {
      try {
        caChain.push(parseCertificateFast(Buffer.from(b64, 'base64')));
      } catch (e) {
        caProblems.push(`issuingCaChain[${i}] cannot be read: ${(e as Error).message}`);
      }
    });
    const at = signed.signingTime ?? now;
    let chain: DeviceChainCheck | null = null;
    if (caProblems.length > 0 || caChain.length === 0) {
      put(verdict('devices.chain', caProblems.length ? caProblems : ['no issuing CA certificate'], '', (n) => `${n} chain problem(s)`));
      put(skipped('devices.certificate-signature', 'the issuing CA certificate cannot be read'));
    } else {
      signatures = makeSignatures(caChain[0]!);
      chain = new DeviceChainCheck(caChain, options.anchors, at);
    }
    const digests = new DeviceDigestsCheck();
    const list = new ListDigestCheck();
    // A Matter work order's DACs carry no 802.1AR fields: devices.matter-dac checks them instead.
    const idevid = doc.workOrder.policy.matter === undefined ? new IdevidFieldsCheck(doc.workOrder) : null;
    const duplicates = new NoDuplicatesCheck(options.previousDir !== undefined);
    const consistency = new EntryConsistencyCheck();
    const counters = new CounterCheck();
    const plan = options.plan ? new PlanCheck(doc.workOrder, options.plan) : null;
    let matter: MatterDacCheck | null = null;
    if (doc.workOrder.policy.matter === undefined) put(skipped('devices.matter-dac', 'not a Matter work order'));
    else if (caChain.length === 0) put(skipped('devices.matter-dac', 'the PAI (issuingCaChain[0]) cannot be read'));
    else {
      const path = checkPath(caChain[0]!, caChain.slice(1), options.anchors, at);
      if (path.ok) matter = new MatterDacCheck(doc.workOrder, caChain[0]!, path.path[path.path.length - 1]!);
      else put(verdict('devices.matter-dac', [`the PAI does not chain to a trusted PAA: ${path.problem}`], '', (n) => `${n} Matter problem(s)`));
    }

    // One pass: each certificate is decoded, checked by every check and dropped, and each
    // entry is released from the document once checked (no check looks back at it), so
    // the parsed manifest shrinks while the signatures are verified.
    const devices = doc.devices as (DeviceEntry | undefined)[];
    const total = devices.length;
    for (let i = 0; i < total; i++) {
      if (i % PASS_PAUSE_EVERY === 0) yield { passed: i, total };
      const entry = devices[i]!;
      devices[i] = undefined;
      options.onEntry?.(entry, i);
      const d = decodeEntry(entry);
      signatures?.add(d, i, entryLabel(entry));
      chain?.add(d);
      digests.add(d);
      list.add(entry);
      idevid?.add(d);
      duplicates.add(d);
      consistency.add(entry);
      counters.add(entry);
      plan?.add(entry);
      matter?.add(d);
    }
    yield { passed: total, total };
    if (chain) put(chain.result());
    if (matter) put(matter.result());
    put(digests.result());
    put(list.result(doc.devicesSha256));
    put(idevid ? idevid.result() : skipped('devices.802-1ar', 'a Matter work order: DACs carry no 802.1AR fields (see devices.matter-dac)'));

    let previous: PreviousManifest | null = null;
    let previousIdentities = null;
    if (options.previousDir !== undefined) {
      const prev = readManifestFolder(options.previousDir);
      const prevSigned = verifySignedFolder(prev.json, prev.p7s, options.anchors, now);
      const prevParsed = validateManifest(safeJson(prev.json));
      if (!prevParsed.ok) throw new ManifestError('MANIFEST_UNREADABLE', `${options.previousDir}/${MANIFEST_JSON} is not a Hallmark manifest`);
      const prevDoc = prevParsed.document;
      const failing = [prevSigned.signature, prevSigned.chain, prevSigned.eku].find((c) => c.status !== 'pass');
      previous = {
        document: { station: prevDoc.station, sequence: prevDoc.sequence },
        sha256: createHash('sha256').update(prev.json).digest('hex'),
        problem: failing ? `${failing.name}: ${failing.details[0] ?? failing.summary}` : null,
      };
      previousIdentities = identitiesOf(prevDoc.devices);
    }
    put(duplicates.result(previousIdentities));
    put(consistency.result());
    put(counters.result(doc, consistency.problemCount));
    put(plan ? plan.result() : skipped('plan', 'no --plan given'));
    put(checkSequence(doc, previous));
  } else {
    for (const name of CHECK_NAMES) if (!results.has(name)) put(skipped(name, 'manifest.json could not be read (see format)'));
  }

  const summary = { workOrder: doc?.workOrder.id ?? null, sequence: doc?.sequence ?? null };
  return {
    signatures,
    complete(signatureResult) {
      if (signatureResult) put(signatureResult);
      const checks = CHECK_NAMES.map((n) => results.get(n)!);
      return {
        ok: checks.every((c) => c.status !== 'fail') && checks.some((c) => c.status === 'pass'),
        folder,
        manifestSha256: createHash('sha256').update(json).digest('hex'),
        workOrder: summary.workOrder,
        sequence: summary.sequence,
        devices: entryCount,
        signer: signed.signer ? { subject: nameToString(signed.signer.subject), sha256: signed.signer.sha256 } : null,
        signingTime: signed.signingTime?.toISOString() ?? null,
        verifiedAt: now.toISOString(),
        checks,
      };
    },
  };
}

interface SignedFolder {
  readonly signature: CheckResult;
  readonly chain: CheckResult;
  readonly eku: CheckResult;
  readonly signer: ParsedCertificate | null;
  readonly signingTime: Date | null;
}

/** cms.signature, cms.signer-chain and cms.signer-eku for one folder. */
/**
 * The format check. The parsed JSON tree lives only in this frame: the pass is a
 * generator that pauses for minutes at 100,000 devices, and must not keep a second copy
 * of the document alive while it does.
 */
function readDocument(json: Buffer, put: (r: CheckResult) => void): ManifestDocument | null {
  const read = parseJsonText(json.toString('utf8'));
  if (!read.ok) {
    put(verdict('format', [`manifest.json is not JSON: ${read.message}`], '', () => 'not a manifest'));
    return null;
  }
  const r = validateManifest(read.value);
  if (!r.ok) {
    put(verdict('format', r.issues, '', (n) => `${n} format problem(s)`));
    return null;
  }
  const doc = r.document;
  put(verdict('format', [], `${doc.format} version ${doc.formatVersion}: work order ${doc.workOrder.id}, ${doc.devices.length} entries`, () => ''));
  return doc;
}

function verifySignedFolder(json: Buffer, p7s: Buffer, anchors: readonly ParsedCertificate[], now: Date): SignedFolder {
  const cms = verifyDetachedCms(p7s, json);
  const signature = cms.ok
    ? verdict(
        'cms.signature',
        [],
        `the detached CMS signature over manifest.json verifies (${cms.digest?.toUpperCase()}, signed ${cms.signingTime?.toISOString() ?? 'without signingTime'})`,
        () => '',
      )
    : verdict('cms.signature', [cms.problem], '', () => 'the CMS signature does not verify');
  let signer: ParsedCertificate | null = null;
  try {
    signer = cms.signerCertificate ? parseCertificateFast(cms.signerCertificate) : null;
  } catch {
    signer = null;
  }
  if (!signer) {
    return {
      signature,
      chain: skipped('cms.signer-chain', 'no signer certificate in the CMS'),
      eku: skipped('cms.signer-eku', 'no signer certificate in the CMS'),
      signer: null,
      signingTime: cms.signingTime ?? null,
    };
  }
  const pool: ParsedCertificate[] = [];
  for (const der of cms.certificates) {
    try {
      pool.push(parseCertificateFast(der));
    } catch {
      // an unreadable extra certificate simply cannot be a link
    }
  }
  const signingTime = cms.signingTime ?? null;
  const chainProblems: string[] = [];
  if (signingTime && signingTime.getTime() > now.getTime() + 5 * 60_000) chainProblems.push(`the signing time ${signingTime.toISOString()} is in the future`);
  const at = signingTime ?? now;
  const path = checkPath(signer, pool, anchors, at);
  if (!path.ok) chainProblems.push(path.problem);
  if (!validAt(signer, at)) chainProblems.push(`the signer was not valid at the signing time`);
  const chain = verdict(
    'cms.signer-chain',
    chainProblems,
    path.ok ? `signer ${describe(signer)} chains to the trusted root ${describe(path.path[path.path.length - 1]!)} at ${at.toISOString()}` : '',
    () => `the signer ${describe(signer)} does not chain to a trusted root`,
  );
  const ekuProblems: string[] = [];
  if (!signer.extendedKeyUsage?.includes(OID.kpHallmarkManifestSigning))
    ekuProblems.push(
      `the signer's extended key usage (${signer.extendedKeyUsage?.join(', ') ?? 'none'}) lacks Hallmark manifest signing ${OID.kpHallmarkManifestSigning}`,
    );
  if (signer.keyUsage && !signer.keyUsage.has('digitalSignature')) ekuProblems.push("the signer's key usage lacks digitalSignature");
  if (signer.basicConstraints?.ca === true) ekuProblems.push('the signer is a CA certificate; manifests are signed by an end-entity manifest signer');
  const eku = verdict(
    'cms.signer-eku',
    ekuProblems,
    'the signer is an end-entity certificate for Hallmark manifest signing',
    (n) => `${n} signer usage problem(s)`,
  );
  return { signature, chain, eku, signer, signingTime };
}

/**
 * Reads a manifest folder from media, once: the folder and every entry in it are listed
 * without following symbolic links (a symlinked manifest.json, signature or neighbour is
 * refused with its path named), and both files are read bounded through one descriptor
 * each. A file that cannot be read at all is MANIFEST_UNREADABLE; a link, a non-regular or
 * oversized file keeps the media reader's code (FILE_SYMLINK_REFUSED, FILE_NOT_REGULAR, FILE_TOO_LARGE).
 */
export function readManifestFolder(dir: string): { json: Buffer; p7s: Buffer } {
  const read = (name: string, max: number) => {
    try {
      return readMediaFile(join(dir, name), max, 'manifest file');
    } catch (e) {
      throw manifestReadError(e);
    }
  };
  try {
    listMediaFolder(dir, 'manifest folder', true);
  } catch (e) {
    throw manifestReadError(e);
  }
  return { json: read(MANIFEST_JSON, MAX_MANIFEST_BYTES), p7s: read(MANIFEST_P7S, MAX_MANIFEST_P7S_BYTES) };
}

function manifestReadError(e: unknown): unknown {
  if (e instanceof MediaFileError && e.code === 'FILE_UNREADABLE') return new ManifestError('MANIFEST_UNREADABLE', e.message, 'input', { path: e.path });
  return e;
}

function safeJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}
