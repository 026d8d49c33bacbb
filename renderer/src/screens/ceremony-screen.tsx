import { useCallback, useState, type FormEvent } from 'react';
import type { ApiFailure } from '../api/hallmark.js';
import { CeremonyDetail } from '../ceremony/ceremony-detail.js';
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
import { useReportError } from '../components/error-reporter.js';

/**
 * The workspace's past ceremonies (the register), each with its outputs and transcript;
 * and a new ceremony: load a script and its binding (typed paths; the app's native dialog
 * fills the same fields), custodians approve the script's hash, pre-flight, then the
 * guided run step by step with every participant's sign-off, and the outcome.
 */
export function CeremonyScreen() {
  const report = useReportError();
  const onError = useCallback((f: ApiFailure) => report('Ceremony', f), [report]);
  const c = useCeremony(onError);
  const [scriptPath, setScriptPath] = useState('');
  const [bindingPath, setBindingPath] = useState('');
  const plan = c.plan;
  const approvedBy = new Map(c.approvals.filter((a) => a.sha256 === plan?.sha256).map((a) => [a.name, a.time]));
  const allApproved = plan !== null && plan.participants.custodians.every((n) => approvedBy.has(n));
  const running = c.run !== null;
  const [composing, setComposing] = useState(false);
  // The list is the section's home; a new ceremony's flow replaces it until that run has ended.
  const flow = composing || plan !== null || running;
  const live = c.run?.phase === 'running';
  const newCeremony = () => {
    c.reset();
    void c.showPast(null);
    setComposing(true);
  };
  const backToList = () => {
    c.reset();
    setComposing(false);
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
            {flow ? 'Ceremonies — new ceremony' : 'Ceremonies'}
          </h1>
          <span className="count">{flow ? (plan ? `${plan.kind} ceremony "${plan.name}"` : 'No script loaded') : c.past ? `${c.past.length} in this workspace` : ''}</span>
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
              <input id="ceremony-script-input" className="input input--wide" data-testid="ceremony-script" value={scriptPath} onChange={(e) => setScriptPath(e.target.value)} placeholder="/media/usb/root-pkcs11.yaml" spellCheck={false} disabled={running} />
            </label>
            <label className="field qa-form__field" htmlFor="ceremony-binding-input">
              <span className="field__label">Environment binding (YAML)</span>
              <input id="ceremony-binding-input" className="input input--wide" data-testid="ceremony-binding" value={bindingPath} onChange={(e) => setBindingPath(e.target.value)} placeholder="/etc/hallmark/root.binding.yaml" spellCheck={false} disabled={running} />
            </label>
            <div className="qa-form__actions">
              <button type="submit" className="button button--primary" data-testid="ceremony-load" disabled={c.busy || running || scriptPath.trim() === '' || bindingPath.trim() === ''}>
                Load script
              </button>
              <span className="hint">Air-gapped ceremonies from a reviewed script: root, intermediate, CRL and key backup.</span>
            </div>
          </form>
        ) : null}
      </header>
      <div className="ceremony__body">
        {!flow ? (
          c.detail ? (
            <CeremonyDetail detail={c.detail} onClose={() => void c.showPast(null)} />
          ) : (
            <section className="ceremony-panel" aria-label="Past ceremonies">
              <h2 className="section-title">Past ceremonies</h2>
              {c.past ? <PastCeremonies ceremonies={c.past} selected={null} onShow={(id) => void c.showPast(id)} /> : <p className="hint">Reading the register…</p>}
            </section>
          )
        ) : null}
        {flow && !plan && !c.run ? <p className="hint">Load the reviewed ceremony script and this machine's binding. Its SHA-256 is shown for the custodians to compare with the one they reviewed.</p> : null}
        {plan && !running ? (
          <>
            <section className="ceremony-panel" aria-label="Script">
              <h2 className="section-title">1. The script's SHA-256 — compare with the reviewed copy</h2>
              <HashDisplay sha256={plan.sha256} words={plan.words} qrSvg={plan.qrSvg} testId="ceremony-hash" />
              <KeyValueList
                rows={[
                  ['Script', plan.scriptPath],
                  ...plan.summary.map((s) => [s.label, s.value] as const),
                  ['Administrator', plan.participants.administrator],
                  ['Custodians', plan.participants.custodians.join(', ')],
                  ['Witnesses', plan.participants.witnesses.join(', ')],
                  ['Steps', plan.steps.map((s) => s.id).join(' → ')],
                  ['Token', plan.binding ? `serial ${plan.binding.tokenSerial}, module ${plan.binding.module}, PIN ${plan.pinRequired ? 'typed by the administrator at the step that needs it' : `from ${plan.binding.pinSource}`}` : 'none'],
                ]}
              />
            </section>
            <section className="ceremony-panel" aria-label="Hash approval">
              <h2 className="section-title">2. Custodians approve this hash</h2>
              {plan.participants.custodians.map((n) => (
                <NameSignOff key={n} role="custodian" name={n} time={approvedBy.get(n) ?? null} verb="approved" disabled={c.busy} testId="ceremony-approval" onSign={c.approve} />
              ))}
            </section>
            <section className="ceremony-panel" aria-label="Pre-flight">
              <h2 className="section-title">3. Pre-flight checks</h2>
              <button type="button" className="button" data-testid="ceremony-preflight-run" disabled={c.busy || !allApproved} onClick={() => void c.checkPreflight()}>
                {c.preflight ? 'Check again' : 'Run pre-flight checks'}
              </button>
              {c.preflight ? <PreflightList preflight={c.preflight} /> : null}
            </section>
            <section className="ceremony-panel" aria-label="Start">
              <h2 className="section-title">4. Start</h2>
              <StartForm enabled={allApproved && c.preflight?.ok === true} busy={c.busy} onStart={c.start} />
            </section>
          </>
        ) : null}
        {c.run ? (
          <>
            <RunOutcome run={c.run} />
            <StepRunner run={c.run} busy={c.busy} onAcknowledge={c.acknowledge} onProvideSecret={c.provideSecret} onAbort={c.abort} />
          </>
        ) : null}
        {!flow ? <CaCalendarPanel onError={onError} /> : null}
      </div>
    </section>
  );
}
