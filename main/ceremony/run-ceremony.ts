import { createHash } from 'node:crypto';
import { loadCa } from '../ca/certificate-authority.js';
import { createRootCa } from '../ca/create-ca.js';
import { issueCrl } from '../ca/issue-crl.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import type { KeyRecord } from '../keys/key-record.js';
import { openSigningKey } from '../keys/open-signing-key.js';
import { generatePkcs11Key, type Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CaRepository } from '../store/ca-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseSubject } from '../x509/distinguished-name.js';
import type { AckSource, Acknowledgment } from './acknowledgments.js';
import { bindingSummary, resolvePkcs11Binding, type LoadedBinding } from './ceremony-binding.js';
import { CeremonyError } from './ceremony-errors.js';
import { checkCrlNextUpdate, rootValidityBound } from './ceremony-guards.js';
import type { CeremonyScript, CeremonyStep, CrlScript, RootScript } from './ceremony-script-schema.js';
import { OutputDir, type OutputFile } from './exclusive-output.js';
import { hashWords } from './hash-words.js';
import type { LoadedScript } from './parse-ceremony-script.js';
import { runPreflight, type PreflightResult } from './preflight.js';
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
  binding: Pkcs11Binding;
  keyRecord?: KeyRecord;
  /** the key that signs the transcript: the new root's, or the CRL issuer's */
  signer?: SigningKey;
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

  const binding = resolvePkcs11Binding(req.binding, req.env);
  const preflight = runPreflight({ workspace: ws.home, requireNoNetwork: script.preflight.requireNoNetwork, modulePath: binding.modulePath, tokenSerial: binding.tokenSerial ?? '' });
  say(describePreflight(preflight));
  const rehearsal = req.acks.via === 'ack-file';
  ws.audit.append({
    actor,
    action: 'ceremony.started',
    subject: script.name,
    details: { kind: script.kind, scriptSha256: loaded.sha256, rehearsal, preflight: preflight as unknown as JsonValue },
  });

  const state: RunState = { binding };
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
    const head = ws.audit.head();
    const transcript = {
      format: TRANSCRIPT_FORMAT,
      ceremony: script.name,
      kind: script.kind,
      rehearsal,
      script: { path: req.scriptPath, sha256: loaded.sha256, words: hashWords(loaded.sha256), approvedHash: req.approvedHash.toLowerCase() },
      binding: bindingSummary(req.binding),
      participants: script.participants,
      preflight,
      startedAt: started.toISOString(),
      steps,
      outputs: [...out.written],
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

function plannedOutputs(ws: Workspace, script: CeremonyScript): string[] {
  if (script.kind === 'root') return [`${script.certificate.ca}.pem`, `${script.certificate.ca}.der`];
  const n = loadCa(ws, script.crl.ca).row.crlNumber + 1;
  return [`${script.crl.ca}-crl-${n}.der`, `${script.crl.ca}-crl-${n}.pem`];
}

/** Refusals that need neither token nor people: taken labels and names, guards, kinds not built yet. */
function preconditions(ws: Workspace, script: CeremonyScript, now: Date): void {
  if (script.kind === 'root') {
    if (script.key.store !== 'pkcs11') throw new CeremonyError('CEREMONY_UNSUPPORTED', 'root ceremonies with custodian shares are not implemented yet; use key.store: pkcs11');
    rootValidityBound(script);
    parseSubject(script.certificate.subject);
    new KeyRepository(ws).assertFree(script.key.label);
    new CaRepository(ws).assertFree(script.certificate.ca);
  } else {
    const ca = loadCa(ws, script.crl.ca);
    if (ca.key.store !== 'pkcs11') throw new CeremonyError('CEREMONY_UNSUPPORTED', `CA "${script.crl.ca}" has a ${ca.key.store} key; ceremonies sign with PKCS#11 keys only for now`);
    checkCrlNextUpdate(script, ca, now);
  }
}

async function runAction(step: CeremonyStep, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  const script = req.script.script;
  switch (step.action) {
    case 'generate-key':
      return generateKey(script as RootScript, req, state);
    case 'sign-root':
      return signRoot(script as RootScript, req, state, out);
    case 'sign-crl':
      return signCrl(script as CrlScript, req, state, out);
    case undefined:
      return {};
  }
}

async function generateKey(script: RootScript, req: RunCeremonyRequest, state: RunState): Promise<{ [k: string]: JsonValue }> {
  // generatePkcs11Key refuses a label already on the token and destroys a key the token
  // did not make sensitive and non-extractable; what it read back is recorded here.
  const { spki, location } = await generatePkcs11Key({ label: script.key.label, algorithm: script.key.algorithm, binding: state.binding });
  state.keyRecord = new KeyRepository(req.ws).add({ label: script.key.label, algorithm: script.key.algorithm, store: 'pkcs11', spki, location: { ...location } }, req.actor);
  return {
    label: script.key.label,
    algorithm: script.key.algorithm,
    spkiSha256: state.keyRecord.spkiSha256,
    tokenSerial: location.tokenSerial,
    tokenLabel: location.tokenLabel,
    CKA_SENSITIVE: location.sensitive,
    CKA_EXTRACTABLE: location.extractable,
  };
}

async function signRoot(script: RootScript, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  const record = state.keyRecord ?? new KeyRepository(req.ws).get(script.key.label);
  const key = await openSigningKey(record, { store: 'pkcs11', binding: state.binding });
  state.signer = key;
  const bound = rootValidityBound(script);
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
  const cert = signed.certificate;
  out.write(`${script.certificate.ca}.der`, cert.der);
  out.write(`${script.certificate.ca}.pem`, pem(cert.der, 'CERTIFICATE'));
  return {
    ca: script.certificate.ca,
    serial: cert.serial.toString('hex'),
    sha256: cert.sha256,
    sha256Words: hashWords(cert.sha256),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    lintWarnings: signed.findings.map((f) => `[${f.rule}] ${f.message}`),
    lintsSkipped: signed.skipped.map((s) => ({ rule: s.rule, reason: s.reason })),
    tbsIdenticalToLinted: true,
    ...(script.guards ? { validityGuard: { maxValidityDays: script.guards.maxValidityDays, reason: script.guards.reason } } : {}),
  };
}

async function signCrl(script: CrlScript, req: RunCeremonyRequest, state: RunState, out: OutputDir): Promise<{ [k: string]: JsonValue }> {
  const ca = loadCa(req.ws, script.crl.ca);
  const key = await openSigningKey(ca.key, { store: 'pkcs11', binding: state.binding });
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

function describePreflight(p: PreflightResult): string {
  return [
    'pre-flight:',
    `  clock (UTC)      ${p.clockUtc}  — witness: confirm against a trusted clock`,
    `  app              Hallmark ${p.appVersion}, code SHA-256 ${p.appCode.sha256} (${p.appCode.files} files under ${p.appCode.root})`,
    `  workspace        ${p.workspace}`,
    `  token            "${p.token.label}" serial ${p.token.serial} (${p.token.manufacturer} ${p.token.model})`,
    `  network          ${p.networkInterfaces.length === 0 ? 'no interface up but loopback' : `UP: ${p.networkInterfaces.map((n) => `${n.name} ${n.address}`).join(', ')}`}${p.requireNoNetwork ? '' : ' (the script allows it)'}`,
    '',
  ].join('\n');
}

function pem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
