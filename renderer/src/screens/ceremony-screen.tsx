import { useCallback, useState, type FormEvent } from 'react';
import type { CeremonyDetailView } from '../../../preload/api.js';
import type { ApiFailure } from '../api/hallmark.js';
import { CeremonyDetail } from '../ceremony/ceremony-detail.js';
import { BindingPlan } from '../ceremony/binding-plan.js';
import { CaCalendarPanel } from '../ceremony/ca-calendar-panel.js';
import { HashDisplay } from '../ceremony/hash-display.js';
import { NameSignOff } from '../ceremony/name-sign-off.js';
import { PastCeremonies } from '../ceremony/past-ceremonies.js';
import { PreflightList } from '../ceremony/preflight-list.js';
import { RunOutcome } from '../ceremony/run-outcome.js';
import { StartForm } from '../ceremony/start-form.js';
import { StepRunner } from '../ceremony/step-runner.js';
import { useCeremony } from '../ceremony/use-ceremony.js';
import { KeyValueList } from '../components/certificate-details.js';
import { useErrorScope } from '../components/error-reporter.js';

/**
 * The workspace's past ceremonies (the register), each with its outputs and transcript;
 * and a new ceremony: load a script and its binding (typed paths; the app's native dialog
 * fills the same fields), custodians approve the script's hash, pre-flight, then the
 * guided run step by step with every participant's sign-off, and the outcome.
 *
 * An interrupted ceremony of the register is resumed through the same flow: its own
 * script (the path the register names) with a binding typed here, the custodians approve
 * its hash again and it must be the hash the register recorded, pre-flight, then the run
 * continues after its last committed step into its own output folder.
 */
export function CeremonyScreen() {
  // One action for the whole screen: its failures stay until dismissed (or the screen's next error replaces them).
  const report = useErrorScope('ceremonies', 'Ceremony').report;
  const onError = useCallback((f: ApiFailure) => report('screen', f), [report]);
  const c = useCeremony(onError);
  const [scriptPath, setScriptPath] = useState('');
  const [bindingPath, setBindingPath] = useState('');
  const plan = c.plan;
  const approvedBy = new Map(c.approvals.filter((a) => a.sha256 === plan?.sha256 && a.bindingSha256 === plan?.bindingSha256).map((a) => [a.name, a.time]));
  const allApproved = plan !== null && plan.participants.custodians.every((n) => approvedBy.has(n));
  const running = c.run !== null;
  const [composing, setComposing] = useState(false);
  /** the interrupted ceremony this flow resumes; null for a new ceremony */
  const [resumeOf, setResumeOf] = useState<CeremonyDetailView | null>(null);
  const hashMatches = resumeOf !== null && plan !== null && plan.sha256 === resumeOf.scriptSha256;
  // The list is the section's home; a new ceremony's flow replaces it until that run has ended.
  const flow = composing || plan !== null || running;
  const live = c.run?.phase === 'running';
  const newCeremony = () => {
    c.reset();
    void c.showPast(null);
    setResumeOf(null);
    setComposing(true);
  };
  const resumeCeremony = (d: CeremonyDetailView) => {
    c.reset();
    void c.showPast(null);
    setResumeOf(d);
    setScriptPath(d.scriptPath);
    setBindingPath('');
    setComposing(true);
  };
  const backToList = () => {
    c.reset();
    setComposing(false);
    setResumeOf(null);
    void c.refreshPast();
  };

  const submitLoad = (e: FormEvent) => {
    e.preventDefault();
    if (scriptPath.trim() === '' || bindingPath.trim() === '') return;
    void c.load(scriptPath.trim(), bindingPath.trim());
  };

  return (
    <section className="screen ceremony" data-testid="ceremony-screen" aria-labelledby="ceremony-title">
      <header className="screen__header">
        <div className="screen__title-row">
          <h1 id="ceremony-title" className="screen__title">
            {flow ? (resumeOf ? 'Ceremonies — resume ceremony' : 'Ceremonies — new ceremony') : 'Ceremonies'}
          </h1>
          <span className="count">
            {flow ? (plan ? `${plan.kind} ceremony "${plan.name}"` : 'No script loaded') : c.past ? `${c.past.length} in this workspace` : ''}
          </span>
          {!flow || (running && !live) ? (
            <button type="button" className="button button--primary" data-testid="ceremony-new" onClick={newCeremony}>
              New ceremony
            </button>
          ) : null}
          {flow && !live ? (
            <button type="button" className="button" data-testid="ceremony-back" onClick={backToList}>
              Past ceremonies
            </button>
          ) : null}
        </div>
        {flow ? (
          <form className="qa-form" onSubmit={submitLoad} aria-label="Ceremony script and binding">
            <label className="field qa-form__field" htmlFor="ceremony-script-input">
              <span className="field__label">Ceremony script (YAML)</span>
              <input
                id="ceremony-script-input"
                className="input input--wide"
                data-testid="ceremony-script"
                value={scriptPath}
                onChange={(e) => setScriptPath(e.target.value)}
                placeholder="/media/usb/root-pkcs11.yaml"
                spellCheck={false}
                disabled={running || resumeOf !== null}
              />
            </label>
            <label className="field qa-form__field" htmlFor="ceremony-binding-input">
              <span className="field__label">Environment binding (YAML)</span>
              <input
                id="ceremony-binding-input"
                className="input input--wide"
                data-testid="ceremony-binding"
                value={bindingPath}
                onChange={(e) => setBindingPath(e.target.value)}
                placeholder="/etc/hallmark/root.binding.yaml"
                spellCheck={false}
                disabled={running}
              />
            </label>
            <div className="qa-form__actions">
              <button
                type="submit"
                className="button button--primary"
                data-testid="ceremony-load"
                disabled={c.busy || running || scriptPath.trim() === '' || bindingPath.trim() === ''}
              >
                Load script
              </button>
              <span className="hint">
                {resumeOf
                  ? `Resuming "${resumeOf.name}" (${resumeOf.id}) after ${resumeOf.stepsDone} of ${resumeOf.stepsTotal} committed steps: its own script, and this machine's binding.`
                  : 'Air-gapped ceremonies from a reviewed script: root, intermediate, CRL and key backup.'}
              </span>
            </div>
          </form>
        ) : null}
      </header>
      <div className="ceremony__body">
        {!flow ? (
          c.detail ? (
            <CeremonyDetail
              detail={c.detail}
              busy={c.busy}
              onClose={() => void c.showPast(null)}
              onResume={() => resumeCeremony(c.detail!)}
              onAbort={(reason) => c.abortInterrupted(c.detail!.id, reason)}
            />
          ) : (
            <section className="ceremony-panel" aria-label="Past ceremonies">
              <h2 className="section-title">Past ceremonies</h2>
              {c.past ? (
                <PastCeremonies ceremonies={c.past} selected={null} onShow={(id) => void c.showPast(id)} />
              ) : (
                <p className="hint">Reading the register…</p>
              )}
            </section>
          )
        ) : null}
        {flow && !plan && !c.run ? (
          <p className="hint">
            Load the reviewed ceremony script and this machine's binding. Its SHA-256 is shown for the custodians to compare with the one they reviewed.
          </p>
        ) : null}
        {plan && !running ? (
          <>
            <section className="ceremony-panel" aria-label="Script">
              <h2 className="section-title">1. The script's SHA-256 — compare with the reviewed copy</h2>
              <HashDisplay sha256={plan.sha256} words={plan.words} qrSvg={plan.qrSvg} testId="ceremony-hash" />
              {resumeOf ? (
                <p
                  className={`ceremony-resume-check ceremony-resume-check--${hashMatches ? 'match' : 'mismatch'}`}
                  data-testid="ceremony-resume-hash-check"
                  data-match={String(hashMatches)}
                >
                  {hashMatches
                    ? `The same SHA-256 the register recorded when ceremony ${resumeOf.id} started.`
                    : `NOT the script ceremony ${resumeOf.id} ran: the register recorded SHA-256 ${resumeOf.scriptSha256}. Put the reviewed script back at ${resumeOf.scriptPath}, or abort the ceremony.`}
                </p>
              ) : null}
              <KeyValueList
                rows={[
                  ['Script', plan.scriptPath],
                  ...plan.summary.map((s) => [s.label, s.value] as const),
                  ['Administrator', plan.participants.administrator],
                  ['Custodians', plan.participants.custodians.join(', ')],
                  ['Witnesses', plan.participants.witnesses.join(', ')],
                  ['Steps', plan.steps.map((s) => s.id).join(' → ')],
                  [
                    'Token',
                    plan.binding
                      ? `serial ${plan.binding.tokenSerial}, module ${plan.binding.module}, PIN ${plan.pinRequired ? 'typed by the administrator at the step that needs it' : `from ${plan.binding.pinSource}`}`
                      : 'none',
                  ],
                ]}
              />
            </section>
            <section className="ceremony-panel" aria-label="Binding">
              <h2 className="section-title">1b. The binding's SHA-256 — this machine's module, token and secret sources</h2>
              <BindingPlan plan={plan} />
            </section>
            <section className="ceremony-panel" aria-label="Hash approval">
              <h2 className="section-title">2. Custodians approve both hashes: the script's and the binding's</h2>
              {plan.participants.custodians.map((n) => (
                <NameSignOff
                  key={n}
                  role="custodian"
                  name={n}
                  time={approvedBy.get(n) ?? null}
                  verb="approved"
                  disabled={c.busy}
                  testId="ceremony-approval"
                  onSign={c.approve}
                />
              ))}
            </section>
            <section className="ceremony-panel" aria-label="Pre-flight">
              <h2 className="section-title">3. Pre-flight checks</h2>
              <button
                type="button"
                className="button"
                data-testid="ceremony-preflight-run"
                disabled={c.busy || !allApproved}
                onClick={() => void c.checkPreflight()}
              >
                {c.preflight ? 'Check again' : 'Run pre-flight checks'}
              </button>
              {c.preflight ? <PreflightList preflight={c.preflight} /> : null}
            </section>
            {resumeOf ? (
              <section className="ceremony-panel" aria-label="Resume">
                <h2 className="section-title">4. Resume</h2>
                <KeyValueList
                  rows={[
                    ['Ceremony', `${resumeOf.name} (${resumeOf.id})`],
                    [
                      'Committed steps',
                      `${resumeOf.stepsDone} of ${resumeOf.stepsTotal}; the witnesses confirm the clock again, then the run continues with step ${resumeOf.stepsDone + 1}`,
                    ],
                    ['Output folder', `${resumeOf.outDir} (the same medium: its transcript is continued)`],
                  ]}
                />
                <button
                  type="button"
                  className="button button--primary button--big"
                  data-testid="ceremony-resume-start"
                  disabled={c.busy || !allApproved || !hashMatches || c.preflight?.ok !== true}
                  onClick={() => void c.resume(resumeOf.id)}
                >
                  Resume ceremony
                </button>
              </section>
            ) : (
              <section className="ceremony-panel" aria-label="Start">
                <h2 className="section-title">4. Start</h2>
                <StartForm enabled={allApproved && c.preflight?.ok === true} busy={c.busy} onStart={c.start} />
              </section>
            )}
          </>
        ) : null}
        {c.run ? (
          <>
            <RunOutcome run={c.run} />
            <StepRunner
              run={c.run}
              busy={c.busy}
              onAcknowledge={c.acknowledge}
              onProvideSecret={c.provideSecret}
              onProvideShareText={c.provideShareText}
              onAbort={c.abort}
              onNoteException={c.noteException}
            />
          </>
        ) : null}
        {!flow ? <CaCalendarPanel onError={onError} /> : null}
      </div>
    </section>
  );
}
