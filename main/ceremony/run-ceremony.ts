import { createHash } from 'node:crypto';
import { loadCa } from '../ca/certificate-authority.js';
import { createRootCa } from '../ca/create-ca.js';
import { issueCrl } from '../ca/issue-crl.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import type { KeyAlgorithm } from '../keys/key-algorithm.js';
import type { KeyRecord } from '../keys/key-record.js';
import { openSigningKey } from '../keys/open-signing-key.js';
import { generatePkcs11Key, type Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CaRepository } from '../store/ca-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseSubject } from '../x509/distinguished-name.js';
import type { SignedCertificate } from '../x509/sign-certificate.js';
import type { AckSource, Acknowledgment } from './acknowledgments.js';
import { bindingSummary, csrPath, resolveIntermediateToken, type LoadedBinding } from './ceremony-binding.js';
import { accessForExistingKey, accessForNewKey, accessForResplit, unlockFor, type KeyAccess } from './ceremony-key-access.js';
import { CeremonyError } from './ceremony-errors.js';
import { checkCrlNextUpdate, intermediateValidityBound, rootValidityBound } from './ceremony-guards.js';
import type { CeremonyScript, CeremonyStep, CrlScript, IntermediateScript, KeyBackupScript, Role, RootScript } from './ceremony-script-schema.js';
import { resplitSharedKey } from './resplit-shared-key.js';
import type { ShareEntry, SharedKeyLocation } from '../keys/shares/shared-key-store.js';
import { csrFacts, describeCsr, loadCeremonyCsr, type CeremonyCsr } from './intermediate-csr.js';
import { signIntermediate } from './sign-intermediate.js';
import { OutputDir, type OutputFile } from './exclusive-output.js';
import { hashWords } from './hash-words.js';
import type { LoadedScript } from './parse-ceremony-script.js';
import { runPreflight, type PreflightResult } from './preflight.js';
import { scriptHashQrText } from './script-hash-qr.js';
import {
  assertRehearsalFree,
  compareFields,
  formatComparison,
  loadRehearsal,
  plannedFields,
  REHEARSAL_FORMAT,
  saveRehearsal,
  signedFields,
  type ComparableCertificate,
  type RehearsalRecord,
} from './rehearsal-fields.js';
import { intermediateCaExtensions, rootCaExtensions } from '../x509/profiles/ca-profiles.js';
import { encodeName } from '../x509/distinguished-name.js';
import { intermediateOptions } from './sign-intermediate.js';
import { plannedShareOutputs, splitRootKey } from './split-root-key.js';
import { TRANSCRIPT_FILE, TRANSCRIPT_FORMAT, TRANSCRIPT_SIGNATURE_FILE } from './transcript-format.js';

export interface RunCeremonyRequest {
  readonly ws: Workspace;
  readonly script: LoadedScript;
  readonly scriptPath: string;
  readonly approvedHash: string;
  readonly binding: LoadedBinding;
  readonly env: NodeJS.ProcessEnv;
  readonly outDir: string;
  readonly acks: AckSource;
  readonly actor: string;
  /** progress and instructions for the people in the room */
  readonly say: (text: string) => void;
  /** after the run, keep the certificates' comparable fields here (never overwritten) */
  readonly saveRehearsal?: string;
  /** before each certificate signature, compare with this rehearsal record and have it acknowledged */
  readonly compareRehearsal?: string;
  /** go on when the comparison finds differences (the acknowledgment then covers them) */
  readonly acceptRehearsalDifferences?: boolean;
}

export interface CeremonyResult {
  readonly transcript: OutputFile;
  readonly signature: OutputFile;
  readonly outputs: readonly OutputFile[];
}

interface StepRecord {
  id: string;
  say: string;
  startedAt: string;
  acknowledgments: Acknowledgment[];
  action?: { name: string; result: { [k: string]: JsonValue } };
  completedAt?: string;
}

/** What the actions hand to each other and to the transcript. */
interface RunState {
  access: KeyAccess;
  keyRecord?: KeyRecord;
  /** the key that signs the transcript: the new root's, or the CRL's or intermediate's issuer's */
  signer?: SigningKey;
  /** an intermediate ceremony's CSR, checked before the first step */
  csr?: CeremonyCsr;
  /** an intermediate ceremony's own key, made on its token by generate-key */
  intermediateKey?: KeyRecord;
  rehearsal?: { path: string; record: RehearsalRecord; sha256: string };
  /** key-backup: the split that was replaced, for the destruction step's record */
  oldShares?: ShareEntry[];
  /** the signed certificates, as a rehearsal record keeps them */
  produced: ComparableCertificate[];
}

/**
 * Runs an approved ceremony script: hash check, guards, pre-flight, then each step's
 * acknowledgments (audited as they happen) and action, and finally the signed transcript.
 * Everything that can be checked before a key exists is checked first, so a refused
 * ceremony leaves the token and the workspace as they were.
 */
export async function runCeremony(req: RunCeremonyRequest): Promise<CeremonyResult> {
  const { ws, script: loaded, actor, say } = req;
  const script = loaded.script;
  assertApproved(loaded.sha256, req.approvedHash);
  const started = new Date();
  const out = new OutputDir(req.outDir);
  out.prepare([...plannedOutputs(ws, script), TRANSCRIPT_FILE, TRANSCRIPT_SIGNATURE_FILE]);
  preconditions(ws, script, started);
  if (req.saveRehearsal !== undefined) assertRehearsalFree(req.saveRehearsal);
  const rehearsalRecord = req.compareRehearsal !== undefined ? { path: req.compareRehearsal, ...loadRehearsal(req.compareRehearsal) } : undefined;

  const access = resolveAccess(ws, script, req);
  const token = access.pkcs11 ? { modulePath: access.pkcs11.modulePath, tokenSerial: access.pkcs11.tokenSerial ?? '' } : {};
  const preflight = runPreflight({ workspace: ws.home, requireNoNetwork: script.preflight.requireNoNetwork, ...token });
  say(describePreflight(preflight));
  // The CSR is checked and its hash shown before any step, so the witnesses' first acknowledgment covers it.
  const csr = script.kind === 'intermediate' && script.intermediate.key.source === 'csr' ? loadCeremonyCsr(csrPath(req.binding)) : undefined;
  if (csr) say(describeCsr(csr));
  const rehearsal = req.acks.via === 'ack-file';
  ws.audit.append({
    actor,
    action: 'ceremony.started',
    subject: script.name,
    details: { kind: script.kind, scriptSha256: loaded.sha256, rehearsal, preflight: preflight as unknown as JsonValue },
  });

  const state: RunState = { access, produced: [], ...(csr ? { csr } : {}), ...(rehearsalRecord ? { rehearsal: rehearsalRecord } : {}) };
  const steps: StepRecord[] = [];
  try {
    for (const [i, step] of script.steps.entries()) {
      say(`\nstep ${i + 1}/${script.steps.length} "${step.id}": ${step.say}\n  needs: ${step.acknowledge.join(', ')}\n`);
      const record: StepRecord = { id: step.id, say: step.say, startedAt: new Date().toISOString(), acknowledgments: [] };
      steps.push(record);
      record.acknowledgments = await req.acks.collect(step, script, say);
      ws.transact(() => {
        for (const a of record.acknowledgments) {
          ws.audit.append({ actor: a.name, action: 'ceremony.acknowledged', subject: script.name, details: { step: a.step, role: a.role, time: a.time, via: a.via } });
        }
      });
      if (step.action) {
        record.action = { name: step.action, result: await runAction(step, req, state, out) };
        say(`  ${step.action}: done\n`);
      }
      record.completedAt = new Date().toISOString();
      ws.audit.append({ actor, action: 'ceremony.step-completed', subject: script.name, details: { step: step.id, ...(step.action ? { action: step.action } : {}) } });
    }
    const signer = state.signer;
    if (!signer) throw new CeremonyError('CEREMONY_UNSUPPORTED', 'the ceremony ended without a key to sign its transcript', 'check');
    // Kept before the transcript is written, so the transcript can name it and its hash.
    const savedRehearsal =
      req.saveRehearsal !== undefined
        ? {
            path: req.saveRehearsal,
            sha256: saveRehearsal(req.saveRehearsal, { format: REHEARSAL_FORMAT, ceremony: script.name, scriptSha256: loaded.sha256, savedAt: new Date().toISOString(), certificates: state.produced }),
          }
        : undefined;
    const head = ws.audit.head();
    const transcript = {
      format: TRANSCRIPT_FORMAT,
      ceremony: script.name,
      kind: script.kind,
      rehearsal,
      script: { path: req.scriptPath, sha256: loaded.sha256, words: hashWords(loaded.sha256), qrText: scriptHashQrText(loaded.sha256), approvedHash: req.approvedHash.toLowerCase() },
      binding: bindingSummary(req.binding),
      participants: script.participants,
      preflight,
      ...(csr ? { inputs: { csr: csrFacts(csr) } } : {}),
      startedAt: started.toISOString(),
      steps,
      outputs: [...out.written],
      ...(state.rehearsal ? { rehearsalComparedWith: { path: state.rehearsal.path, sha256: state.rehearsal.sha256, savedAt: state.rehearsal.record.savedAt } } : {}),
      ...(savedRehearsal ? { rehearsalSaved: savedRehearsal } : {}),
      signedBy: { key: signer.label, algorithm: signer.algorithm, spkiSha256: createHash('sha256').update(signer.spki).digest('hex') },
      auditHead: head ? { seq: head.seq, hash: head.hash } : null,
      finishedAt: new Date().toISOString(),
    };
    const outputs = [...out.written];
    // Serialized once: the signature covers exactly the bytes on the medium.
    const transcriptBytes = Buffer.from(`${JSON.stringify(transcript, null, 2)}\n`, 'utf8');
    const transcriptFile = out.write(TRANSCRIPT_FILE, transcriptBytes);
    const signature = out.write(TRANSCRIPT_SIGNATURE_FILE, await signer.sign(transcriptBytes));
    ws.audit.append({
      actor,
      action: 'ceremony.completed',
      subject: script.name,
      details: { transcriptSha256: transcriptFile.sha256, signatureSha256: signature.sha256, outputs: outputs.map((o) => ({ file: o.file, sha256: o.sha256 })) },
    });
    say(`\ntranscript ${TRANSCRIPT_FILE} SHA-256 ${transcriptFile.sha256}\n`);
    return { transcript: transcriptFile, signature, outputs };
  } catch (e) {
    // The failure is part of the record: which step stopped and why.
    const failed = steps[steps.length - 1];
    ws.audit.append({
      actor,
      action: 'ceremony.aborted',
      subject: script.name,
      details: { step: failed?.id ?? null, code: (e as { code?: string }).code ?? 'INTERNAL', message: (e as Error).message },
    });
    throw e;
  } finally {
    state.signer?.close();
  }
}

function assertApproved(actual: string, approved: string): void {
  const want = approved.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(want)) throw new CeremonyError('CEREMONY_HASH_MISMATCH', `--approved-hash must be 64 hex digits, got "${approved}"`);
  if (want !== actual) {
    throw new CeremonyError(
      'CEREMONY_HASH_MISMATCH',
      `the script's SHA-256 is ${actual}, not the approved ${want}: this is not the reviewed script (even one changed byte counts); review it and approve its hash again`,
      'check',
      { actual, approved: want },
    );
  }
}

/** The signing key's credentials, from the binding: a missing one stops the ceremony before pre-flight. */
function resolveAccess(ws: Workspace, script: CeremonyScript, req: RunCeremonyRequest): KeyAccess {
  if (script.kind === 'root') return accessForNewKey(req.binding, req.env, script.key);
  if (script.kind === 'crl') return accessForExistingKey(req.binding, req.env, loadCa(ws, script.crl.ca).key);
  if (script.kind === 'key-backup') return accessForResplit(req.binding, req.env, script.backup);
  const parent = accessForExistingKey(req.binding, req.env, loadCa(ws, script.intermediate.parent).key);
  return script.intermediate.key.source === 'pkcs11' ? { ...parent, newKeyToken: resolveIntermediateToken(req.binding, req.env) } : parent;
}

function plannedOutputs(ws: Workspace, script: CeremonyScript): string[] {
  if (script.kind === 'root') {
    const shares = script.key.store === 'shares' ? plannedShareOutputs(script.key.label, script.key.custodians.length) : [];
    return [...shares, `${script.certificate.ca}.pem`, `${script.certificate.ca}.der`];
  }
  if (script.kind === 'intermediate') return [`${script.intermediate.ca}.pem`, `${script.intermediate.ca}.der`];
  if (script.kind === 'key-backup') return plannedShareOutputs(script.backup.key, script.backup.custodians.length);
  const n = loadCa(ws, script.crl.ca).row.crlNumber + 1;
  return [`${script.crl.ca}-crl-${n}.der`, `${script.crl.ca}-crl-${n}.pem`];
}

/** Refusals that need neither token nor people: taken labels and names, guards, kinds not built yet. */
function preconditions(ws: Workspace, script: CeremonyScript, now: Date): void {
  if (script.kind === 'root') {
    rootValidityBound(script);
    parseSubject(script.certificate.subject);
    new KeyRepository(ws).assertFree(script.key.label);
    new CaRepository(ws).assertFree(script.certificate.ca);
  } else if (script.kind === 'intermediate') {
    const i = script.intermediate;
    parseSubject(i.subject);
    intermediateValidityBound(script, loadCa(ws, i.parent), now);
    new CaRepository(ws).assertFree(i.ca);
    if (i.key.source === 'pkcs11') new KeyRepository(ws).assertFree(i.key.label);
  } else if (script.kind === 'key-backup') {
    sharesKey(ws, script);
  } else {
    const ca = loadCa(ws, script.crl.ca);
    checkCrlNextUpdate(script, ca, now);
  }
}

async function runAction(step: CeremonyStep, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  const script = req.script.script;
  switch (step.action) {
    case 'generate-key':
      return script.kind === 'intermediate' ? generateIntermediateKey(script, req, state) : generateKey(script as RootScript, req, state, out);
    case 'sign-root':
      return signRoot(script as RootScript, req, state, out, step);
    case 'sign-crl':
      return signCrl(script as CrlScript, req, state, out);
    case 'sign-intermediate':
      return signIntermediateStep(script as IntermediateScript, req, state, out, step);
    case 're-split':
      return resplit(script as KeyBackupScript, req, state, out);
    case 'old-shares-destroyed':
      // What the acknowledging custodians and witnesses just attested: these shares no longer exist.
      return { destroyed: (state.oldShares ?? []).map((s) => ({ ...s })), note: 'the old shares no longer open the key: the workspace records only the new split' };
    case undefined:
      return {};
  }
}

async function generateKey(script: RootScript, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  if (script.key.store === 'shares') {
    const split = await splitRootKey({ ws: req.ws, out, label: script.key.label, algorithm: script.key.algorithm, threshold: script.key.threshold, custodians: state.access.newSplit ?? [], actor: req.actor });
    state.keyRecord = split.record;
    // From here on the key is reached like any shares key: through the files just verified.
    state.access = { store: 'shares', shares: split.shares };
    return split.result;
  }
  const binding = state.access.pkcs11!;
  const generated = await generateOnToken(req, script.key.label, script.key.algorithm, binding);
  state.keyRecord = generated.record;
  return generated.result;
}

/**
 * Generates a key on a token and registers it. generatePkcs11Key refuses a label already
 * on the token and destroys a key the token did not make sensitive and non-extractable;
 * what it read back is what the transcript records.
 */
async function generateOnToken(
  req: RunCeremonyRequest,
  label: string,
  algorithm: KeyAlgorithm,
  binding: Pkcs11Binding,
): Promise<{ record: KeyRecord; result: { [k: string]: JsonValue } }> {
  const { spki, location } = await generatePkcs11Key({ label, algorithm, binding });
  const record = new KeyRepository(req.ws).add({ label, algorithm, store: 'pkcs11', spki, location: { ...location } }, req.actor);
  return {
    record,
    result: {
      label,
      algorithm,
      spkiSha256: record.spkiSha256,
      tokenSerial: location.tokenSerial,
      tokenLabel: location.tokenLabel,
      CKA_SENSITIVE: location.sensitive,
      CKA_EXTRACTABLE: location.extractable,
    },
  };
}

async function signRoot(script: RootScript, req: RunCeremonyRequest, state: RunState, out: OutputDir, step: CeremonyStep): Promise<{ [k: string]: JsonValue }> {
  const record = state.keyRecord ?? new KeyRepository(req.ws).get(script.key.label);
  // With shares, this is where the key is reassembled in memory; close() at the end wipes it.
  const key = await openSigningKey(record, unlockFor(req.ws, state.access));
  state.signer = key;
  const bound = rootValidityBound(script);
  const subjectDer = encodeName(parseSubject(script.certificate.subject));
  const planned = plannedFields(script.certificate.ca, { subjectDer, issuerDer: subjectDer, validityDays: script.certificate.validityDays, extensions: rootCaExtensions(key.spki, script.certificate.pathLen) });
  const comparison = await compareWithRehearsal(planned, step, req, state);
  // signCertificate lints the TBS, signs, verifies, requires the signed TBS to equal the linted bytes and lints again.
  const signed = await createRootCa(req.ws, {
    name: script.certificate.ca,
    subject: parseSubject(script.certificate.subject),
    validityDays: script.certificate.validityDays,
    key,
    actor: req.actor,
    ...(script.certificate.pathLen !== undefined ? { pathLen: script.certificate.pathLen } : {}),
    ...(script.guards ? { maxValidityDays: bound } : {}),
  });
  return { ca: script.certificate.ca, ...recordSignedCertificate(script.certificate.ca, signed, script, state, out, planned, comparison) };
}

/**
 * Writes a ceremony's certificate (DER and PEM, exclusively) and returns what the
 * transcript says of it, including whether the signed fields match the compared plan.
 */
function recordSignedCertificate(
  ca: string,
  signed: SignedCertificate,
  script: RootScript | IntermediateScript,
  state: RunState,
  out: OutputDir,
  planned: ComparableCertificate,
  comparison: { [k: string]: JsonValue } | undefined,
): { [k: string]: JsonValue } {
  const cert = signed.certificate;
  const produced = signedFields(ca, cert.der);
  state.produced.push(produced);
  out.write(`${ca}.der`, cert.der);
  out.write(`${ca}.pem`, pem(cert.der, 'CERTIFICATE'));
  return {
    serial: cert.serial.toString('hex'),
    sha256: cert.sha256,
    sha256Words: hashWords(cert.sha256),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    lintWarnings: signed.findings.map((f) => `[${f.rule}] ${f.message}`),
    lintsSkipped: signed.skipped.map((s) => ({ rule: s.rule, reason: s.reason })),
    tbsIdenticalToLinted: true,
    ...(script.guards ? { validityGuard: { maxValidityDays: script.guards.maxValidityDays, reason: script.guards.reason } } : {}),
    ...(comparison ? { rehearsalComparison: { ...comparison, signedMatchesCompared: JSON.stringify(produced) === JSON.stringify(planned) } } : {}),
  };
}

/** The key a key-backup re-splits: it must exist and be a shares key. */
function sharesKey(ws: Workspace, script: KeyBackupScript): KeyRecord {
  const record = new KeyRepository(ws).get(script.backup.key);
  if (record.store !== 'shares') throw new CeremonyError('CEREMONY_UNSUPPORTED', `key "${record.label}" is a ${record.store} key; key-backup re-splits a key held in custodian shares`);
  return record;
}

async function resplit(script: KeyBackupScript, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  const record = sharesKey(req.ws, script);
  state.oldShares = (record.location as unknown as SharedKeyLocation).shares;
  const { signer, result } = await resplitSharedKey({
    ws: req.ws,
    out,
    record,
    oldShares: state.access.shares ?? [],
    threshold: script.backup.threshold,
    custodians: state.access.newSplit ?? [],
    actor: req.actor,
  });
  state.signer = signer;
  return result;
}

async function generateIntermediateKey(script: IntermediateScript, req: RunCeremonyRequest, state: RunState): Promise<{ [k: string]: JsonValue }> {
  const key = script.intermediate.key;
  if (key.source !== 'pkcs11') throw new CeremonyError('CEREMONY_SCRIPT_INVALID', 'generate-key in an intermediate ceremony needs intermediate.key.source: pkcs11');
  const generated = await generateOnToken(req, key.label, key.algorithm, state.access.newKeyToken!);
  state.intermediateKey = generated.record;
  return generated.result;
}

async function signIntermediateStep(script: IntermediateScript, req: RunCeremonyRequest, state: RunState, out: OutputDir, step: CeremonyStep): Promise<{ [k: string]: JsonValue }> {
  const i = script.intermediate;
  const parent = loadCa(req.ws, i.parent);
  const bound = intermediateValidityBound(script, parent, new Date());
  const key = await openSigningKey(parent.key, unlockFor(req.ws, state.access));
  state.signer = key;
  const subjectKey = state.csr ? { csr: state.csr } : state.intermediateKey ? { record: state.intermediateKey } : undefined;
  if (!subjectKey) throw new CeremonyError('CEREMONY_SCRIPT_INVALID', 'sign-intermediate ran before the intermediate had a key');
  const subjectSpki = 'csr' in subjectKey ? subjectKey.csr.csr.publicKey.spki : subjectKey.record.spki;
  const planned = plannedFields(i.ca, {
    subjectDer: encodeName(parseSubject(i.subject)),
    issuerDer: parent.certificate.subjectDer,
    validityDays: i.validityDays,
    extensions: intermediateCaExtensions(subjectSpki, parent.certificate.spki, intermediateOptions(script)),
  });
  const comparison = await compareWithRehearsal(planned, step, req, state);
  const signed = await signIntermediate({ ws: req.ws, script, parentKey: key, subjectKey, maxValidityDays: bound, actor: req.actor });
  return { ca: i.ca, parent: i.parent, keySource: i.key.source, ...recordSignedCertificate(i.ca, signed, script, state, out, planned, comparison) };
}

async function signCrl(script: CrlScript, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  const ca = loadCa(req.ws, script.crl.ca);
  const key = await openSigningKey(ca.key, unlockFor(req.ws, state.access));
  state.signer = key;
  const { der, crlNumber } = await issueCrl(req.ws, {
    ca: script.crl.ca,
    caKey: key,
    revoke: script.crl.revocations.map((r) => ({ serialHex: r.serial, reason: r.reason })),
    nextUpdateDays: script.crl.nextUpdateDays,
    actor: req.actor,
  });
  out.write(`${script.crl.ca}-crl-${crlNumber}.der`, der);
  out.write(`${script.crl.ca}-crl-${crlNumber}.pem`, pem(der, 'X509 CRL'));
  const sha256 = createHash('sha256').update(der).digest('hex');
  return { ca: script.crl.ca, crlNumber, sha256, sha256Words: hashWords(sha256), revoked: script.crl.revocations.map((r) => ({ serial: r.serial, reason: r.reason })) };
}

const COMPARISON_ROLES: readonly Role[] = ['administrator', 'witnesses'];

/**
 * Before a certificate is signed at the real ceremony: its planned fields side by side
 * with the rehearsal's, acknowledged by the administrator and witnesses. A difference
 * stops the step unless the run was told to accept differences, and then the
 * acknowledgment covers them; either way the comparison goes into the transcript.
 */
async function compareWithRehearsal(planned: ComparableCertificate, step: CeremonyStep, req: RunCeremonyRequest, state: RunState): Promise<{ [k: string]: JsonValue } | undefined> {
  const rehearsal = state.rehearsal;
  if (!rehearsal) return undefined;
  const before = rehearsal.record.certificates.find((c) => c.name === planned.name);
  const rows = compareFields(before, planned);
  const identical = rows.every((r) => r.same);
  req.say(formatComparison(planned.name, rows));
  const script = req.script.script;
  if (!identical && !req.acceptRehearsalDifferences) {
    throw new CeremonyError(
      'CEREMONY_REHEARSAL_DIFFERS',
      `"${planned.name}" differs from the rehearsal in ${rows.filter((r) => !r.same).map((r) => r.field).join(', ')}; stop here, or run again with the differences accepted and acknowledged`,
      'check',
      { rows },
    );
  }
  const compareStep: CeremonyStep = {
    id: `${step.id}-rehearsal-comparison`,
    say: identical ? `"${planned.name}" matches the rehearsal field by field` : `"${planned.name}" DIFFERS from the rehearsal; acknowledging accepts the differences`,
    acknowledge: [...COMPARISON_ROLES],
  };
  const acks = await req.acks.collect(compareStep, script, req.say);
  req.ws.transact(() => {
    for (const a of acks) req.ws.audit.append({ actor: a.name, action: 'ceremony.acknowledged', subject: script.name, details: { step: a.step, role: a.role, time: a.time, via: a.via, identical } });
  });
  return {
    rehearsal: rehearsal.path,
    rehearsalSha256: rehearsal.sha256,
    identical,
    fields: rows.map((r) => ({ ...r })),
    acknowledgments: acks.map((a) => ({ ...a })),
  };
}

function describePreflight(p: PreflightResult): string {
  return [
    'pre-flight:',
    `  clock (UTC)      ${p.clockUtc}  — witness: confirm against a trusted clock`,
    `  app              Hallmark ${p.appVersion}, code SHA-256 ${p.appCode.sha256} (${p.appCode.files} files under ${p.appCode.root})`,
    `  workspace        ${p.workspace}`,
    p.token ? `  token            "${p.token.label}" serial ${p.token.serial} (${p.token.manufacturer} ${p.token.model})` : '  token            none (the key is not on a token)',
    `  network          ${p.networkInterfaces.length === 0 ? 'no interface up but loopback' : `UP: ${p.networkInterfaces.map((n) => `${n.name} ${n.address}`).join(', ')}`}${p.requireNoNetwork ? '' : ' (the script allows it)'}`,
    '',
  ].join('\n');
}

function pem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
