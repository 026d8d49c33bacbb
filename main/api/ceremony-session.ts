import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CeremonyAbortedView, CeremonyHashApprovalView, CeremonyRunView, Input } from '../../preload/api.js';
import { assertAttendedSources, assertBindingApproved, bindingModules, unattendedSources, type LoadedBinding } from '../ceremony/ceremony-binding.js';
import { CeremonyError } from '../ceremony/ceremony-errors.js';
import type { NotedException } from '../ceremony/ceremony-request.js';
import type { LoadedScript } from '../ceremony/parse-ceremony-script.js';
import { auditedRefusal, runCeremony, type RunCeremonyRequest } from '../ceremony/run-ceremony.js';
import { HallmarkError, isHallmarkError } from '../errors/hallmark-error.js';
import { checkPkcs11Module, type Pkcs11ModuleAllowList } from '../keys/pkcs11/pkcs11-module-policy.js';
import { pkcs11ModulesAllowed } from '../store/settings-repository.js';
import type { Workspace } from '../store/workspace.js';
import { AckGate } from './ceremony-ack-gate.js';
import { checkCustodianAcknowledgment } from './ceremony-custodian-ack.js';
import { readBinding, readScript } from './ceremony-plan.js';
import { abortInterrupted, interruptedRow } from './ceremony-register.js';
import { resultView } from './ceremony-result.js';
import { CeremonyRunState } from './ceremony-run-state.js';
import { SecretGate } from './ceremony-secret-gate.js';
import { ShareTextGate } from './ceremony-share-text-gate.js';

const DISPOSE_WAIT_MS = 15_000;

interface Launch {
  readonly script: LoadedScript;
  readonly scriptPath: string;
  readonly binding: LoadedBinding;
  readonly approvedHash: string;
  readonly approvedBindingHash: string;
  readonly outDir: string;
  /** an interrupted ceremony of the register, and how many of its steps it committed */
  readonly resume?: { readonly id: string; readonly committed: number };
}

/**
 * The Ceremonies screen's run: at most one ceremony at a time, driven by run-ceremony
 * exactly as the CLI drives it, with two adapters — acknowledgments come from people
 * typing their names on the screen (AckGate), and a PIN or passphrase the binding takes
 * from an environment variable is typed on the screen by its owner at the step that needs
 * it (SecretGate) — and every change is published as a `ceremony.event`.
 *
 * Custodians approve a script's hash and its binding's together; approvals are recorded
 * in the audit log as they are given and kept here, so `start` and `resume` can refuse to
 * run a script or binding not every custodian approved; a run uses them up, so the next
 * run (a resume too) is approved anew. The run keeps the binding's bytes read at `start`,
 * which must hash to the approved value.
 *
 * Every PIN and passphrase is typed on the screen at its step: a binding's `file:` and
 * `env:` sources are refused (CEREMONY_SECRET_SOURCE_REFUSED) unless the binding says
 * allowUnattendedSources: true; then only the variables it names are handed to the run.
 *
 * Witnesses' exceptions typed during the run wait in a queue that run-ceremony drains
 * after each step's acknowledgments, which is where the terminal asks for them.
 */
export class CeremonySession {
  readonly #listeners = new Set<(e: CeremonyRunView) => void>();
  /** "<script path>\0<sha256>\0<binding path>\0<binding sha256>" → custodians who approved both */
  readonly #approvals = new Map<string, Set<string>>();
  #state: CeremonyRunState | null = null;
  #gate: AckGate | null = null;
  #secrets: SecretGate | null = null;
  #shareTexts: ShareTextGate | null = null;
  /** the register's id of the run in progress, once run-ceremony has recorded it */
  #ceremonyId: string | null = null;
  #exceptions: NotedException[] = [];
  #done: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: Workspace,
    /** the main process's environment: HALLMARK_PKCS11_MODULES, and variables an allowUnattendedSources binding names */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The PKCS#11 modules this workspace may load: the main process's HALLMARK_PKCS11_MODULES and the workspace's setting. */
  pkcs11Modules(): Pkcs11ModuleAllowList {
    return pkcs11ModulesAllowed(this.ws, this.env);
  }

  onEvent(listener: (e: CeremonyRunView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  approveHash(req: Input<'ceremony.approveHash'>): CeremonyHashApprovalView {
    const loaded = readScript(req.scriptPath);
    if (loaded.sha256 !== req.sha256) throw mismatch(loaded.sha256, req.sha256);
    const binding = readBinding(req.bindingPath);
    if (binding.sha256 !== req.bindingSha256) {
      throw new CeremonyError(
        'CEREMONY_BINDING_CHANGED',
        `the binding ${binding.path} now has SHA-256 ${binding.sha256}, not ${req.bindingSha256} as shown: it changed since it was loaded; load it again and compare its hash`,
        'check',
        { path: binding.path, actual: binding.sha256, approved: req.bindingSha256 },
      );
    }
    const name = req.name.trim();
    const custodians = loaded.script.participants.custodians;
    if (!custodians.includes(name)) {
      throw new HallmarkError(
        'CEREMONY_ACK_INVALID',
        `"${name}" is not one of this script's custodians (${custodians.join(', ')}); type your name exactly as the script spells it`,
        'input',
      );
    }
    const time = new Date().toISOString();
    this.ws.audit.append({
      actor: name,
      action: 'ceremony.hash-approved',
      subject: loaded.script.name,
      details: { role: 'custodians', scriptSha256: loaded.sha256, bindingSha256: binding.sha256, bindingPath: binding.path, time },
    });
    const key = approvalKey(req.scriptPath, loaded.sha256, req.bindingPath, binding.sha256);
    const set = this.#approvals.get(key) ?? new Set<string>();
    set.add(name);
    this.#approvals.set(key, set);
    return { name, sha256: loaded.sha256, bindingSha256: binding.sha256, time };
  }

  /** `outDir`: the folder the main process's dialog chose (ceremony-handlers.ts), never the window's. */
  async start(req: Omit<Input<'ceremony.start'>, 'outDir'> & { outDir: string }): Promise<CeremonyRunView> {
    this.assertIdle();
    const script = readScript(req.scriptPath);
    const binding = readBinding(req.bindingPath);
    return this.launch({
      script,
      scriptPath: resolve(req.scriptPath),
      binding,
      approvedHash: req.approvedHash,
      approvedBindingHash: req.approvedBindingHash,
      outDir: resolve(req.outDir),
    });
  }

  /**
   * Continues an interrupted ceremony with the script and output folder the register
   * names; run-ceremony then checks the transcript's chain and the committed outputs, and
   * the witnesses confirm the clock again before the first uncommitted step.
   */
  async resume(req: Input<'ceremony.resume'>): Promise<CeremonyRunView> {
    this.assertIdle();
    const row = interruptedRow(this.ws, req.id, this.liveCeremonyId(), 'resumed');
    // Checked here, before anyone is asked anything, with words for the room; run-ceremony checks the same again.
    if (req.approvedHash !== row.scriptSha256) {
      throw new CeremonyError(
        'CEREMONY_HASH_MISMATCH',
        `ceremony ${row.id} ran the script with SHA-256 ${row.scriptSha256}; the approved hash ${req.approvedHash} is another script's`,
        'check',
        { recorded: row.scriptSha256, approved: req.approvedHash },
      );
    }
    const script = readScript(row.scriptPath);
    if (script.sha256 !== row.scriptSha256) {
      throw new CeremonyError(
        'CEREMONY_HASH_MISMATCH',
        `the script at ${row.scriptPath} now has SHA-256 ${script.sha256}, not ${row.scriptSha256} as when ceremony ${row.id} started: put the reviewed script back to resume it, or abort it`,
        'check',
        { actual: script.sha256, recorded: row.scriptSha256 },
      );
    }
    const binding = readBinding(req.bindingPath);
    return this.launch({
      script,
      scriptPath: row.scriptPath,
      binding,
      approvedHash: req.approvedHash,
      approvedBindingHash: req.approvedBindingHash,
      outDir: row.outDir,
      resume: { id: row.id, committed: row.stepsDone },
    });
  }

  /** Closes an interrupted ceremony of the register, as `hallmark ceremony abort` does. */
  abortInterrupted(req: Input<'ceremony.abortInterrupted'>): CeremonyAbortedView {
    return abortInterrupted(this.ws, req.id, req.reason.trim(), this.liveCeremonyId());
  }

  noteException(req: Input<'ceremony.noteException'>): CeremonyRunView {
    const { state } = this.current(req.runId);
    if (!state.running) throw new HallmarkError('CEREMONY_FINISHED', `ceremony "${state.view.name}" has ${state.view.phase}`, 'input');
    const name = req.name.trim();
    const witnesses = state.view.witnesses;
    if (!witnesses.includes(name)) {
      throw new HallmarkError(
        'CEREMONY_ACK_INVALID',
        `"${name}" is not one of this ceremony's witnesses (${witnesses.join(', ') || 'none'}); an exception is noted by a witness, named exactly as the script spells it`,
        'input',
      );
    }
    const note = req.note.trim();
    this.#exceptions.push({ role: 'witnesses', name, note });
    this.publish(() => state.exceptionQueued(name, note));
    return state.snapshot();
  }

  async acknowledge(req: Input<'ceremony.acknowledge'>): Promise<CeremonyRunView> {
    const { state, gate } = this.current(req.runId);
    if (!state.running) throw new HallmarkError('CEREMONY_FINISHED', `ceremony "${state.view.name}" has ${state.view.phase}`, 'input');
    // The step must wait for this person before their credential is checked (a wrong row costs no attempt).
    gate.expects(req.step, req.role, req.name);
    await checkCustodianAcknowledgment(this.ws, req);
    if (!state.running) throw new HallmarkError('CEREMONY_FINISHED', `ceremony "${state.view.name}" has ${state.view.phase}`, 'input');
    gate.acknowledge(req.step, req.role, req.name);
    return state.snapshot();
  }

  provideSecret(req: Input<'ceremony.provideSecret'>): CeremonyRunView {
    const { state } = this.current(req.runId);
    if (!state.running) throw new HallmarkError('CEREMONY_FINISHED', `ceremony "${state.view.name}" has ${state.view.phase}`, 'input');
    this.#secrets!.provide(req.requestId, req.secret);
    return state.snapshot();
  }

  /** A custodian's share typed back from the printed sheet; run-ceremony checks it and asks again after a typo. */
  provideShareText(req: Input<'ceremony.provideShareText'>): CeremonyRunView {
    const { state } = this.current(req.runId);
    if (!state.running) throw new HallmarkError('CEREMONY_FINISHED', `ceremony "${state.view.name}" has ${state.view.phase}`, 'input');
    this.#shareTexts!.provide(req.requestId, req.text);
    return state.snapshot();
  }

  /** The register's id of the ceremony this session is running now, for telling a live row from an interrupted one. */
  liveCeremonyId(): string | null {
    return this.#state?.running ? this.#ceremonyId : null;
  }

  async abort(req: Input<'ceremony.abort'>): Promise<CeremonyRunView> {
    const { state, gate } = this.current(req.runId);
    if (state.running) {
      const e = new HallmarkError('CEREMONY_ABORTED', `aborted: ${req.reason.trim()}`, 'input');
      gate.abort(e);
      this.#secrets?.abort(e);
      this.#shareTexts?.abort(e);
      // A waiting step or secret prompt stops at once; a running action finishes first and the ceremony stops at the next step.
      await Promise.race([this.#done, new Promise((r) => setTimeout(r, 200))]);
    }
    return state.snapshot();
  }

  status(): { run: CeremonyRunView | null } {
    return { run: this.#state?.snapshot() ?? null };
  }

  async dispose(): Promise<void> {
    const closed = new CeremonyError('CEREMONY_ACK_MISSING', 'the application closed during the ceremony', 'environment');
    this.#gate?.abort(closed);
    this.#secrets?.abort(closed);
    this.#shareTexts?.abort(closed);
    await Promise.race([this.#done, new Promise((r) => setTimeout(r, DISPOSE_WAIT_MS).unref())]);
    this.#listeners.clear();
  }

  private assertIdle(): void {
    if (this.#state?.running)
      throw new HallmarkError('CEREMONY_BUSY', `ceremony "${this.#state.view.name}" is still running; finish or abort it first`, 'input');
  }

  private async launch(l: Launch): Promise<CeremonyRunView> {
    const { script } = l;
    // The binding read for this run is the approved one, and every secret in it is typed here (or its line was approved).
    auditedRefusal(this.ws, script.script.participants.administrator, script.script.name, l.binding, () => {
      assertBindingApproved(l.binding, l.approvedBindingHash, 'start');
      assertAttendedSources(l.binding);
      // Native code only from where the administrator put it, refused here with its own code (run-ceremony checks again).
      const modules = this.pkcs11Modules();
      for (const m of bindingModules(l.binding)) checkPkcs11Module(m.path, modules);
    });
    const key = approvalKey(l.scriptPath, l.approvedHash, l.binding.path, l.approvedBindingHash);
    const approved = this.#approvals.get(key) ?? new Set<string>();
    const missing = script.script.participants.custodians.filter((c) => !approved.has(c));
    if (missing.length > 0) {
      throw new HallmarkError(
        'CEREMONY_NOT_APPROVED',
        `the script hash ${l.approvedHash} with the binding hash ${l.approvedBindingHash} has not been approved by ${missing.join(', ')}`,
        'input',
      );
    }
    this.#approvals.delete(key);

    const state = new CeremonyRunState(randomUUID(), script.script, script.sha256);
    if (l.resume) state.resumedAfter(l.resume.committed);
    const gate = new AckGate({
      waiting: (step, acks) => this.publish(() => state.waiting(step, acks)),
      acknowledged: (id, acks) => this.publish(() => state.acknowledged(id, acks)),
    });
    const secrets = new SecretGate(
      {
        asking: (request) => this.publish(() => state.asking(request)),
        answered: () => this.publish(() => state.answered()),
      },
      script.script.participants.administrator,
    );
    const shareTexts = new ShareTextGate({
      asking: (request) => this.publish(() => state.typingBack(request)),
      answered: () => this.publish(() => state.typedBack()),
    });
    this.#state = state;
    this.#gate = gate;
    this.#secrets = secrets;
    this.#shareTexts = shareTexts;
    // A resumed ceremony is live from now on, so the register never lists it as interrupted while it runs.
    this.#ceremonyId = l.resume?.id ?? null;
    this.#exceptions = [];
    const exceptions = this.#exceptions;
    // The process environment is never handed over, only the variables an approved
    // allowUnattendedSources binding names; every other secret is asked on the screen, at
    // its step, of the person it belongs to.
    const request: RunCeremonyRequest = {
      ws: this.ws,
      script,
      scriptPath: l.scriptPath,
      approvedHash: l.approvedHash,
      approvedBindingHash: l.approvedBindingHash,
      binding: l.binding,
      env: this.unattendedEnv(l.binding),
      secretsTypedOnly: true,
      pkcs11Modules: this.pkcs11Modules(),
      outDir: l.outDir,
      acks: gate.source,
      secrets: secrets.prompt,
      typeBack: shareTexts.prompt,
      exceptions: async (step) => {
        const noted = exceptions.splice(0);
        if (noted.length > 0) this.publish(() => state.exceptionsRecorded(step, noted.length));
        return noted;
      },
      registered: (id) => {
        this.#ceremonyId = id;
      },
      ...(l.resume ? { resume: l.resume.id } : {}),
      actor: script.script.participants.administrator,
      say: (text) => this.publish(() => state.say(text)),
    };
    const outDir = l.outDir;
    this.#done = runCeremony(request).then(
      (r) => this.publish(() => state.completed(resultView(outDir, r))),
      (e: unknown) => {
        if (!isHallmarkError(e)) this.ws.log.error('ceremony', 'the ceremony failed', e);
        const code = isHallmarkError(e) ? e.code : 'INTERNAL';
        const message = isHallmarkError(e) ? e.message : 'the ceremony stopped unexpectedly; see the application log';
        this.publish(() => state.aborted(code, message));
      },
    );
    // Answer once the run is either waiting for people or already refused (a changed
    // script, a failed pre-flight, a damaged transcript), so the screen shows which.
    await Promise.race([
      this.#done,
      this.waitUntil(
        () =>
          state.view.steps.some((s) => s.state === 'acknowledging' || s.state === 'working') ||
          state.view.secretRequest !== null ||
          state.view.shareTypeBack !== null ||
          !state.running,
      ),
    ]);
    return state.snapshot();
  }

  /** The environment variables an approved allowUnattendedSources binding names, and nothing else. */
  private unattendedEnv(binding: LoadedBinding): NodeJS.ProcessEnv {
    if (binding.binding.allowUnattendedSources !== true) return {};
    const env: NodeJS.ProcessEnv = {};
    for (const { env: name } of unattendedSources(binding)) if (name !== null && this.env[name] !== undefined) env[name] = this.env[name];
    return env;
  }

  private current(runId: string): { state: CeremonyRunState; gate: AckGate } {
    const state = this.#state;
    const gate = this.#gate;
    if (!state || !gate || state.view.runId !== runId) throw new HallmarkError('CEREMONY_NOT_FOUND', `no ceremony run ${runId}`, 'input');
    return { state, gate };
  }

  private publish(change: () => void): void {
    change();
    const state = this.#state;
    if (!state) return;
    state.touch();
    const snap = state.snapshot();
    for (const l of this.#listeners) {
      try {
        l(snap);
      } catch (err) {
        this.ws.log.error('ceremony', 'a ceremony event listener failed', err);
      }
    }
  }

  private async waitUntil(cond: () => boolean): Promise<void> {
    while (!cond()) await new Promise((r) => setTimeout(r, 10));
  }
}

function approvalKey(scriptPath: string, sha256: string, bindingPath: string, bindingSha256: string): string {
  return `${resolve(scriptPath)}\0${sha256}\0${resolve(bindingPath)}\0${bindingSha256}`;
}

function mismatch(actual: string, approved: string): CeremonyError {
  return new CeremonyError(
    'CEREMONY_HASH_MISMATCH',
    `the script's SHA-256 is now ${actual}, not ${approved} as shown: it changed since it was loaded; load it again and compare its hash`,
    'check',
    { actual, approved },
  );
}
