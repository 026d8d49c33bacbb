import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCa } from '../ca/certificate-authority.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import { CaRepository } from '../store/ca-repository.js';
import { CeremonyRepository } from '../store/ceremony-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseSubject } from '../x509/distinguished-name.js';
import { acknowledgeStep } from './acknowledge-step.js';
import { KEY_ACTIONS, runAction, sharesKey, type RunState } from './ceremony-actions.js';
import { checkPkcs11Module } from '../keys/pkcs11/pkcs11-module-policy.js';
import { pkcs11ModulesAllowed } from '../store/settings-repository.js';
import {
  assertAttendedSources,
  assertBindingApproved,
  bindingModules,
  type LoadedBinding,
  bindingRecord,
  bindingSummary,
  csrPath,
  resolveIntermediateToken,
  resolvePkcs11Binding,
  resolveShareInputs,
} from './ceremony-binding.js';
import { CeremonyError } from './ceremony-errors.js';
import { finishCeremony, transcriptCa } from './ceremony-finish.js';
import { checkCrlNextUpdate, intermediateValidityBound, rootValidityBound } from './ceremony-guards.js';
import { accessForExistingKey, accessForNewKey, accessForResplit, type KeyAccess } from './ceremony-key-access.js';
import type { CeremonyResult, RunCeremonyRequest } from './ceremony-request.js';
import { adoptStep, openResume, type ResumePoint } from './ceremony-resume.js';
import type { CeremonyScript, CeremonyStep } from './ceremony-script-schema.js';
import { askForSecrets, deferredSecrets } from './deferred-secrets.js';
import { OutputDir } from './exclusive-output.js';
import { hashWords } from './hash-words.js';
import { csrFacts, describeCsr, loadCeremonyCsr } from './intermediate-csr.js';
import { coreDumpCheck, swapCheck } from './machine-checks.js';
import { runPreflight, type PreflightArgs, type PreflightResult } from './preflight.js';
import { assertRehearsalFree, loadRehearsal, REHEARSAL_FORMAT, saveRehearsal, signedFields } from './rehearsal-fields.js';
import { scriptHashQrText } from './script-hash-qr.js';
import { plannedShareOutputs } from './split-root-key.js';
import { assertTypeBackPossible } from './share-type-back.js';
import { PUBLICATION_DIR } from './publication/publication-format.js';
import { TranscriptWriter } from './transcript/transcript-chain.js';
import { SUMS_FILE, TRANSCRIPT_FILE, TRANSCRIPT_FORMAT, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE } from './transcript/transcript-format.js';
import { assertOutsideHome } from '../files/output-path.js';

export type { CeremonyResult, RunCeremonyRequest } from './ceremony-request.js';

/** The pseudo-step in which the witnesses confirm the clock pre-flight showed them. */
export const CLOCK_STEP_ID = 'preflight-clock';

/**
 * Runs an approved ceremony script: hash check, guards, pre-flight and the witnesses'
 * clock confirmation, then each step's acknowledgments and action, each step committed to
 * the register with its audit entry and announced in the hash-chained transcript, and at
 * the end the signed transcript and SHA256SUMS (ceremony-finish.ts). Everything that can
 * be checked before a key exists is checked first, so a refused ceremony leaves the
 * token and the workspace as they were. A run that stops at a step leaves the ceremony
 * open in the register: `resume` continues after its last committed step.
 */
export async function runCeremony(req: RunCeremonyRequest): Promise<CeremonyResult> {
  const { ws, script: loaded, actor, say } = req;
  const script = loaded.script;
  assertApproved(loaded.sha256, req.approvedHash);
  // The main process's environment, not the run's secrets environment (the app hands over none of it).
  const modules = req.pkcs11Modules ?? pkcs11ModulesAllowed(ws, process.env);
  auditedRefusal(ws, actor, script.name, req.binding, () => {
    // The binding is approved with the script: the bytes this run loaded (and keeps) are the approved ones, and so is the file now.
    assertBindingApproved(req.binding, req.approvedBindingHash, 'start');
    if (req.secretsTypedOnly) assertAttendedSources(req.binding);
    // Native code only from where the administrator put it: every module the binding names, before anything loads one.
    for (const m of bindingModules(req.binding)) checkPkcs11Module(m.path, modules);
  });
  // shares typed back from paper (issue 5): refused here, before anything is written, when nobody can be asked
  assertTypeBackPossible(req);
  // The output medium is never the workspace (a ceremony output squatting keys/ or hallmark.db's names), by real path.
  auditedRefusal(ws, actor, script.name, req.binding, () => assertOutsideHome(req.outDir, ws.home, "a ceremony's output"));
  const repo = new CeremonyRepository(ws);
  const out = new OutputDir(req.outDir);
  const planned = plannedOutputs(ws, script);
  let resume: ResumePoint | undefined;
  if (req.resume !== undefined) {
    resume = openResume(ws, loaded, req.resume, req.outDir, out);
  } else {
    const open = repo.running(loaded.sha256);
    if (open.length > 0) {
      const o = open[0]!;
      throw new CeremonyError(
        'CEREMONY_INTERRUPTED',
        `ceremony "${o.name}" (${o.id}) with this script was interrupted after ${o.stepsDone} of ${o.stepsTotal} steps; resume it (--resume ${o.id}) or abort it (hallmark ceremony abort ${o.id} --reason …) first`,
        'input',
        { ceremonies: open.map((c) => c.id) },
      );
    }
    out.prepare([...planned, TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE, SUMS_FILE, PUBLICATION_DIR]);
    preconditions(ws, script, new Date());
  }
  const transcript = resume?.writer;
  try {
    if (req.saveRehearsal !== undefined) assertRehearsalFree(req.saveRehearsal);
    const rehearsalRecord = req.compareRehearsal !== undefined ? { path: req.compareRehearsal, ...loadRehearsal(req.compareRehearsal) } : undefined;

    // Secrets people type are asked at the step that needs them; all others (files, the
    // environment) are read now, so a missing one stops the ceremony before anyone
    // acknowledges anything.
    const deferred = req.secrets ? deferredSecrets(ws, script, req.binding, req.env, req.secretsTypedOnly === true) : [];
    const access: KeyAccess | null = deferred.length === 0 ? resolveAccess(ws, script, req, req.env) : null;

    auditedRefusal(ws, actor, script.name, req.binding, () => assertBindingApproved(req.binding, req.approvedBindingHash, 'pre-flight'));
    const preflight = runPreflight({ workspace: ws.home, requireNoNetwork: script.preflight.requireNoNetwork, modules, ...tokenArgs(req) });
    say(describePreflight(preflight));
    // The CSR is checked and its hash shown before any step, so the witnesses' first acknowledgment covers it.
    const csr = script.kind === 'intermediate' && script.intermediate.key.source === 'csr' ? loadCeremonyCsr(csrPath(req.binding)) : undefined;
    if (csr) say(describeCsr(csr));
    const rehearsal = req.acks.via === 'ack-file';

    const id = resume?.row.id ?? randomUUID();
    const startedAt = new Date().toISOString();
    let writer: TranscriptWriter;
    if (resume) {
      writer = resume.writer;
      ws.transact(() =>
        ws.audit.append({
          actor,
          action: 'ceremony.resumed',
          subject: script.name,
          details: { ceremonyId: id, committedSteps: resume.committed.length, movedAside: [...resume.movedAside], bindingSha256: req.binding.sha256 },
        }),
      );
      // The binding of this run, approved again (it may differ from the first run's: another machine, another token reader).
      writer.append({
        type: 'resumed',
        by: actor,
        committedSteps: resume.committed.length,
        movedAside: [...resume.movedAside],
        binding: bindingRecord(req.binding, req.approvedBindingHash) as unknown as { [k: string]: JsonValue },
      });
      say(
        `resuming ceremony ${id} after step ${resume.committed.length}/${script.steps.length}${resume.movedAside.length ? `; files of the interrupted attempt moved to ${resume.movedAside.join(', ')}` : ''}\n`,
      );
    } else {
      // The medium first: one that cannot take the transcript stops the ceremony before it is registered.
      const path = join(out.path, TRANSCRIPT_FILE);
      writer = TranscriptWriter.create(path);
      try {
        ws.transact(() => {
          repo.begin({
            id,
            name: script.name,
            kind: script.kind,
            scriptSha256: loaded.sha256,
            scriptPath: req.scriptPath,
            outDir: out.path,
            rehearsal,
            stepsTotal: script.steps.length,
            startedAt,
            startedBy: actor,
          });
          ws.audit.append({
            actor,
            action: 'ceremony.started',
            subject: script.name,
            details: {
              ceremonyId: id,
              kind: script.kind,
              scriptSha256: loaded.sha256,
              bindingSha256: req.binding.sha256,
              rehearsal,
              dryRun: req.dryRun === true,
              outDir: out.path,
              preflight: preflight as unknown as JsonValue,
            },
          });
        });
      } catch (e) {
        // Nothing was recorded: the still-empty transcript goes too, so the same run can start again.
        writer.close();
        rmSync(path, { force: true });
        throw e;
      }
      writer.append({
        type: 'started',
        format: TRANSCRIPT_FORMAT,
        ceremonyId: id,
        ceremony: script.name,
        kind: script.kind,
        rehearsal,
        dryRun: req.dryRun === true,
        script: {
          path: req.scriptPath,
          sha256: loaded.sha256,
          words: hashWords(loaded.sha256),
          qrText: scriptHashQrText(loaded.sha256),
          approvedHash: req.approvedHash.trim().toLowerCase(),
        },
        binding: bindingRecord(req.binding, req.approvedBindingHash) as unknown as { [k: string]: JsonValue },
        participants: script.participants,
        actor,
        steps: script.steps.map((s) => ({ id: s.id, action: s.action ?? null, acknowledge: s.acknowledge })),
        plannedOutputs: planned,
      });
    }
    req.registered?.(id);
    return await runSteps({ req, id, out, writer, resume, preflight, csr, rehearsalRecord, deferred, access, planned });
  } catch (e) {
    transcript?.close();
    throw e;
  }
}

interface StepsRun {
  readonly req: RunCeremonyRequest;
  readonly id: string;
  readonly out: OutputDir;
  readonly writer: TranscriptWriter;
  readonly resume: ResumePoint | undefined;
  readonly preflight: PreflightResult;
  readonly csr: ReturnType<typeof loadCeremonyCsr> | undefined;
  readonly rehearsalRecord: RunState['rehearsal'];
  readonly deferred: ReturnType<typeof deferredSecrets>;
  /** resolved before pre-flight, or null while secrets wait to be asked at their step */
  readonly access: KeyAccess | null;
  readonly planned: readonly string[];
}

/** The key's credentials before a step (or the transcript signature) needs them: secrets still owed are asked now. */
async function ensureAccess(run: StepsRun, state: RunState, step: string): Promise<void> {
  if (state.access !== null) return;
  const { req } = run;
  const env = await askForSecrets(run.deferred, req.secrets!, step, req.env);
  state.access = resolveAccess(req.ws, req.script.script, req, env);
}

async function runSteps(run: StepsRun): Promise<CeremonyResult> {
  const { req, id, out, writer, resume, preflight, csr } = run;
  const { ws, actor, say } = req;
  const script = req.script.script;
  const repo = new CeremonyRepository(ws);
  const state: RunState = { access: run.access, produced: [], ...(csr ? { csr } : {}), ...(run.rehearsalRecord ? { rehearsal: run.rehearsalRecord } : {}) };
  let current: CeremonyStep | null = null;
  try {
    writer.append({ type: 'preflight', preflight: preflight as unknown as { [k: string]: JsonValue } });
    if (csr) writer.append({ type: 'input', name: 'csr', facts: csrFacts(csr) });
    await confirmClock(req, writer, preflight);
    const from = resume?.committed.length ?? 0;
    if (resume) rebuildState(ws, script, resume, state);
    for (let i = from; i < script.steps.length; i++) {
      const step = script.steps[i]!;
      current = step;
      say(`\nstep ${i + 1}/${script.steps.length} "${step.id}": ${step.say}\n  needs: ${step.acknowledge.join(', ')}\n`);
      writer.append({ type: 'step-started', step: step.id, index: i, say: step.say, acknowledge: step.acknowledge, action: step.action ?? null });
      const acks = await acknowledgeStep(req, writer, step);
      await noteExceptions(req, writer, step.id);
      let result: { [k: string]: JsonValue } = {};
      const before = out.written.length;
      if (step.action) {
        if (KEY_ACTIONS.has(step.action)) await ensureAccess(run, state, step.id);
        const ctx = { req, state, out, transcript: writer };
        result = i === from && resume?.adoptable ? await adoptStep(step, ctx, run.planned, resume.row.startedAt) : await runAction(step, ctx);
        for (const o of out.written.slice(before)) writer.append({ type: 'output', step: step.id, ...o });
        writer.append({ type: 'action', step: step.id, action: step.action, result });
        say(`  ${step.action}: done\n`);
      }
      const completedAt = new Date().toISOString();
      ws.transact(() => {
        repo.commitStep({
          ceremonyId: id,
          index: i,
          step: step.id,
          action: step.action ?? null,
          result,
          acknowledgments: acks.map((a) => ({ ...a })),
          outputs: out.written.slice(before).map((o) => ({ ...o })),
          completedAt,
        });
        ws.audit.append({
          actor,
          action: 'ceremony.step-completed',
          subject: script.name,
          details: { ceremonyId: id, step: step.id, index: i, ...(step.action ? { action: step.action } : {}) },
        });
      });
      writer.append({ type: 'step-completed', step: step.id, index: i });
    }
    current = null;
    // Kept before the transcript is finished, so the transcript can name it and its hash.
    const extra: { [k: string]: JsonValue } = {};
    if (req.saveRehearsal !== undefined) {
      const sha256 = saveRehearsal(req.saveRehearsal, {
        format: REHEARSAL_FORMAT,
        ceremony: script.name,
        scriptSha256: req.script.sha256,
        savedAt: new Date().toISOString(),
        certificates: state.produced,
      });
      extra.rehearsalSaved = { path: req.saveRehearsal, sha256 };
    }
    if (state.rehearsal) extra.rehearsalComparedWith = { path: state.rehearsal.path, sha256: state.rehearsal.sha256, savedAt: state.rehearsal.record.savedAt };
    // The transcript is signed with the CA key, which a resumed run may not have opened yet.
    if (transcriptCa(ws, script) !== null) await ensureAccess(run, state, 'finish');
    return await finishCeremony({ req, state, out, transcript: writer }, id, extra);
  } catch (e) {
    const code = isHallmarkError(e) ? e.code : 'INTERNAL';
    const message = (e as Error).message;
    // An abort by the administrator ends the ceremony; any other failure leaves it open to be resumed or aborted.
    if (code === 'CEREMONY_ABORTED') {
      abortCeremony(ws, id, actor, code, message, writer, current?.id ?? null);
    } else {
      try {
        writer.append({ type: 'stopped', step: current?.id ?? null, code, message });
      } catch {
        // the medium itself failed; the audit log still says where it stopped
      }
      try {
        ws.audit.append({ actor, action: 'ceremony.stopped', subject: script.name, details: { ceremonyId: id, step: current?.id ?? null, code, message } });
      } catch {
        // the workspace itself failed (a full disk): the error that stopped the ceremony is the one to report
      }
      say(
        req.dryRun
          ? `\nthe dry run stopped${current ? ` at step "${current.id}"` : ''}: ${message}\nnothing was recorded in the workspace; fix the cause and rehearse again into an empty folder\n`
          : `\nthe ceremony stopped${current ? ` at step "${current.id}"` : ''}: ${message}\nit stays open as ${id}: run it again with --resume ${id} to continue after the last committed step, or abort it with \`hallmark ceremony abort ${id} --reason …\`\n`,
      );
    }
    throw e;
  } finally {
    writer.close();
    state.signer?.close();
  }
}

/** Ends an open ceremony: register, audit log and (when its medium is at hand) its transcript. */
export function abortCeremony(
  ws: Workspace,
  id: string,
  by: string,
  code: string,
  message: string,
  writer: TranscriptWriter | null,
  step: string | null,
): void {
  const repo = new CeremonyRepository(ws);
  const row = repo.get(id);
  if (!row) throw new CeremonyError('CEREMONY_NOT_FOUND', `no ceremony ${id} in this workspace`);
  if (row.status !== 'running') throw new CeremonyError('CEREMONY_INTERRUPTED', `ceremony ${id} has already ${row.status}`);
  writer?.append({ type: 'aborted', step, code, message, by });
  ws.transact(() => {
    repo.abort(id, code, message, new Date().toISOString());
    ws.audit.append({ actor: by, action: 'ceremony.aborted', subject: row.name, details: { ceremonyId: id, step, code, message } });
  });
}

/**
 * Ends an interrupted ceremony from outside a run (`ceremony abort`, the screen's Abort…):
 * register and audit log always; its transcript too when the medium is here and its
 * chain intact. Returns what became of the transcript, in words for the person.
 */
export function abortInterruptedCeremony(ws: Workspace, id: string, by: string, reason: string): string {
  const row = new CeremonyRepository(ws).get(id);
  if (!row) throw new CeremonyError('CEREMONY_NOT_FOUND', `no ceremony ${id} in this workspace (hallmark ceremony list)`);
  const path = join(row.outDir, TRANSCRIPT_FILE);
  let writer: TranscriptWriter | null = null;
  let transcript = `not found: ${path} (the register and the audit log record the abort)`;
  try {
    if (existsSync(path)) {
      writer = TranscriptWriter.resume(path).writer;
      transcript = `aborted record appended to ${path}`;
    }
  } catch (e) {
    transcript = `not appended to ${path}: ${(e as Error).message}`;
  }
  try {
    abortCeremony(ws, id, by, 'CEREMONY_ABORTED', reason, writer, null);
  } finally {
    writer?.close();
  }
  return transcript;
}

/** The witnesses confirm, by acknowledging, the clock pre-flight showed; anything else stops here. */
async function confirmClock(req: RunCeremonyRequest, writer: TranscriptWriter, preflight: PreflightResult): Promise<void> {
  const step: CeremonyStep = {
    id: CLOCK_STEP_ID,
    say: `The machine's clock read ${preflight.clockUtc} (UTC) at pre-flight. Witnesses: compare it with a trusted clock; acknowledge only if it is right.`,
    acknowledge: ['witnesses'],
  };
  req.say(`\n${step.say}\n`);
  await acknowledgeStep(req, writer, step, { clockUtc: preflight.clockUtc });
}

async function noteExceptions(req: RunCeremonyRequest, writer: TranscriptWriter, step: string): Promise<void> {
  const notes = (await req.exceptions?.(step)) ?? [];
  if (notes.length === 0) return;
  req.ws.transact(() => {
    for (const n of notes)
      req.ws.audit.append({
        actor: n.name,
        action: 'ceremony.exception-noted',
        subject: req.script.script.name,
        details: { step, role: n.role, note: n.note },
      });
  });
  for (const n of notes) writer.append({ type: 'exception', step, role: n.role, by: n.name, note: n.note });
}

/** What committed steps of an interrupted ceremony had handed to the steps after them. */
function rebuildState(ws: Workspace, script: CeremonyScript, resume: ResumePoint, state: RunState): void {
  const keys = new KeyRepository(ws);
  for (const s of resume.committed) {
    if (s.action === 'generate-key') {
      if (script.kind === 'root') state.keyRecord = keys.get(script.key.label);
      if (script.kind === 'intermediate' && script.intermediate.key.source === 'pkcs11') state.intermediateKey = keys.get(script.intermediate.key.label);
    }
    if (s.action === 'sign-root' || s.action === 'sign-intermediate') {
      // The step committed the CA's name; anything else names no CA, and loadCa refuses it.
      const ca = typeof s.result.ca === 'string' ? s.result.ca : '';
      state.produced.push(signedFields(ca, loadCa(ws, ca).certificate.der));
    }
    if (s.action === 're-split') state.oldShares = (s.result.oldShares ?? []) as unknown as NonNullable<RunState['oldShares']>;
  }
}

/**
 * Runs a check of the binding (approved hash, secret sources, modules); a refusal is
 * audited (`ceremony.refused`: code, message, the binding's path and SHA-256) before it
 * is thrown. Nothing else has happened yet: no register row, no file on the medium.
 */
export function auditedRefusal(ws: Workspace, actor: string, ceremony: string, binding: LoadedBinding, check: () => void): void {
  try {
    check();
  } catch (e) {
    if (isHallmarkError(e)) {
      try {
        ws.audit.append({
          actor,
          action: 'ceremony.refused',
          subject: ceremony,
          details: { code: e.code, message: e.message, bindingPath: binding.path, bindingSha256: binding.sha256 },
        });
      } catch {
        // the refusal is the error to report
      }
    }
    throw e;
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

/** The signing key's credentials, from the binding: a missing one stops the ceremony. */
function resolveAccess(ws: Workspace, script: CeremonyScript, req: RunCeremonyRequest, env: NodeJS.ProcessEnv): KeyAccess {
  if (script.kind === 'root') {
    // A resumed root ceremony whose split is already made reaches the key through its share files.
    return accessForNewKey(req.binding, env, script.key);
  }
  if (script.kind === 'crl') return accessForExistingKey(req.binding, env, loadCa(ws, script.crl.ca).key);
  if (script.kind === 'key-backup') return accessForResplit(req.binding, env, script.backup);
  if (script.kind === 'key-restore')
    return { store: 'shares', shares: resolveShareInputs(req.binding, env), newKeyToken: resolvePkcs11Binding(req.binding, env) };
  const parent = accessForExistingKey(req.binding, env, loadCa(ws, script.intermediate.parent).key);
  return script.intermediate.key.source === 'pkcs11' ? { ...parent, newKeyToken: resolveIntermediateToken(req.binding, env) } : parent;
}

/** The tokens pre-flight checks: the CA's, and an intermediate's own. */
function tokenArgs(req: RunCeremonyRequest): Pick<PreflightArgs, 'modulePath' | 'tokenSerial' | 'tokenLabel' | 'libraryParameters' | 'extraTokens'> {
  const summary = bindingSummary(req.binding);
  const script = req.script.script;
  const usesToken =
    (script.kind === 'root' && script.key.store === 'pkcs11') ||
    script.kind === 'key-restore' ||
    ((script.kind === 'crl' || script.kind === 'intermediate') && summary.module !== undefined);
  const own = summary.intermediateToken;
  // An intermediate whose key is made here has its own token: checked and recorded as well.
  const ownKey = script.kind === 'intermediate' && script.intermediate.key.source === 'pkcs11' ? script.intermediate.key : undefined;
  const extra =
    ownKey && own ? { extraTokens: [{ modulePath: own.module, ...preflightTokenOf(own), keyAlgorithm: ownKey.algorithm, role: 'intermediate' }] } : {};
  // A root generated on the token: whether the token can hold its key is a pre-flight check.
  const generated = script.kind === 'root' && script.key.store === 'pkcs11' ? { keyAlgorithm: script.key.algorithm } : {};
  return {
    ...(usesToken && summary.module !== undefined && summary.tokenSerial !== undefined
      ? { modulePath: summary.module, ...preflightTokenOf({ ...summary, tokenSerial: summary.tokenSerial }), ...generated }
      : {}),
    ...extra,
  };
}

/** The token selectors pre-flight needs from a binding summary's token: serial, and label and library parameters when given. */
export function preflightTokenOf(t: { tokenSerial: string; tokenLabel?: string; libraryParameters?: string }): {
  tokenSerial: string;
  tokenLabel?: string;
  libraryParameters?: string;
} {
  return {
    tokenSerial: t.tokenSerial,
    ...(t.tokenLabel !== undefined ? { tokenLabel: t.tokenLabel } : {}),
    ...(t.libraryParameters !== undefined ? { libraryParameters: t.libraryParameters } : {}),
  };
}

function plannedOutputs(ws: Workspace, script: CeremonyScript): string[] {
  if (script.kind === 'root') {
    const shares = script.key.store === 'shares' ? plannedShareOutputs(script.key.label, script.key.custodians.length) : [];
    return [...shares, `${script.certificate.ca}.pem`, `${script.certificate.ca}.der`];
  }
  if (script.kind === 'intermediate') {
    const csr = script.intermediate.key.source === 'csr' ? [`${script.intermediate.ca}.csr`] : [];
    return [`${script.intermediate.ca}.pem`, `${script.intermediate.ca}.der`, ...csr];
  }
  if (script.kind === 'key-backup') return plannedShareOutputs(script.backup.key, script.backup.custodians.length);
  if (script.kind === 'key-restore') return [];
  const n = loadCa(ws, script.crl.ca).row.crlNumber + 1;
  return [`${script.crl.ca}-crl-${n}.der`, `${script.crl.ca}-crl-${n}.pem`];
}

/** Refusals that need neither token nor people: taken labels and names, guards. */
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
    sharesKey(ws, script.backup.key);
  } else if (script.kind === 'key-restore') {
    sharesKey(ws, script.restore.key);
    new KeyRepository(ws).assertFree(script.restore.label);
  } else {
    const ca = loadCa(ws, script.crl.ca);
    checkCrlNextUpdate(script, ca, now);
  }
}

/** Swap and core dumps, with the fix when one is a risk (a warning: the ceremony goes on). */
function machineLines(p: PreflightResult): string[] {
  const swap = swapCheck(p.machine.swap);
  const core = coreDumpCheck(p.machine.coreDumps);
  return [
    `  swap             ${swap.status === 'warn' ? 'WARNING: ' : ''}${swap.summary}`,
    `  core dumps       ${core.status === 'warn' ? 'WARNING: ' : ''}${core.summary}`,
  ];
}

function describePreflight(p: PreflightResult): string {
  return [
    'pre-flight:',
    `  clock (UTC)      ${p.clockUtc}  — witness: confirm against a trusted clock`,
    `  app              Hallmark ${p.appVersion}, code SHA-256 ${p.appCode.sha256} (${p.appCode.files} files under ${p.appCode.root})`,
    `  workspace        ${p.workspace}`,
    p.token
      ? `  token            "${p.token.label}" serial ${p.token.serial} (${p.token.manufacturer} ${p.token.model})`
      : '  token            none (the key is not on a token)',
    ...(p.extraTokens ?? []).map((t) => `  ${`${t.role} token`.padEnd(17)}"${t.label}" serial ${t.serial} (${t.manufacturer} ${t.model})`),
    `  network          ${p.networkInterfaces.length === 0 ? 'no interface up but loopback' : `UP: ${p.networkInterfaces.map((n) => `${n.name} ${n.address}`).join(', ')}`}${p.requireNoNetwork ? '' : ' (the script allows it)'}`,
    ...machineLines(p),
    '',
  ].join('\n');
}
