import { useState } from 'react';
import type { CeremonyRole, CeremonyRunView, CeremonyStepRunView } from '../../../preload/api.js';
import { ClockConfirmation } from './clock-confirmation.js';
import { ExceptionNote } from './exception-note.js';
import { runProgress } from './ceremony-text.js';
import { NameSignOff } from './name-sign-off.js';
import { useOperatorSession } from '../operators/operator-session.js';
import { SecretPrompt } from './secret-prompt.js';
import { ShareTypeBackPrompt } from './share-type-back-prompt.js';
import './ceremony.css';

const EXTRA_LABEL: Record<Exclude<CeremonyStepRunView['kind'], 'script'>, string> = {
  'preflight-clock': 'pre-flight clock',
  'rehearsal-comparison': 'rehearsal comparison',
  extra: 'confirmation',
};

/** The ceremony one step at a time: all steps with their state, and the current one's instructions and sign-offs. */
export function StepRunner({
  run,
  busy,
  onAcknowledge,
  onProvideSecret,
  onProvideShareText,
  onAbort,
  onNoteException,
}: {
  run: CeremonyRunView;
  busy: boolean;
  onAcknowledge: (step: string, role: CeremonyRole, name: string, credential?: string) => Promise<boolean>;
  onProvideSecret: (requestId: string, secret: string) => Promise<boolean>;
  onProvideShareText: (requestId: string, text: string) => Promise<boolean>;
  onAbort: (reason: string) => Promise<void>;
  onNoteException: (name: string, note: string) => Promise<boolean>;
}) {
  const progress = runProgress(run);
  // Once the workspace has accounts a custodian acknowledges with their own credential (docs/operators.md).
  const accountMode = useOperatorSession().status?.accountsRequired === true;
  const [reason, setReason] = useState('');
  const secret = run.secretRequest;
  // The prompt belongs under the step whose action needs it; a step the screen does not know still gets it, above the list.
  const secretRow = secret ? run.steps.findIndex((s) => s.id === secret.step && s.kind === 'script') : -1;
  const typing = run.shareTypeBack;
  // Keyed by share, not by request: after a typo the text stays for the custodian to correct the named line.
  const typeBack = typing ? <ShareTypeBackPrompt key={`${typing.step}/${typing.index}`} request={typing} busy={busy} onProvide={onProvideShareText} /> : null;
  const typingRow = typing ? run.steps.findIndex((s) => s.id === typing.step && s.kind === 'script') : -1;
  const prompt = secret ? <SecretPrompt key={secret.id} request={secret} busy={busy} onProvide={onProvideSecret} /> : null;
  // Script steps are numbered 1, 2, …; the steps the app adds are not.
  const numbers: (number | null)[] = [];
  let count = 0;
  for (const s of run.steps) numbers.push(s.kind === 'script' ? ++count : null);
  return (
    <div className="step-runner" data-testid="ceremony-run" data-phase={run.phase}>
      <div className="step-runner__progress">
        <progress max={progress.total} value={progress.done} aria-label="steps done" />
        <span data-testid="ceremony-progress">{progress.label}</span>
      </div>
      {secret && secretRow < 0 ? prompt : null}
      {typing && typingRow < 0 ? typeBack : null}
      <ol className="step-runner__steps">
        {run.steps.map((s, i) => {
          const extra = s.kind !== 'script';
          const active = s.state === 'acknowledging' && run.phase === 'running';
          return (
            <li
              key={s.id}
              className={`run-step run-step--${s.state}${extra ? ' run-step--extra' : ''}`}
              data-testid="ceremony-step"
              data-step={s.id}
              data-state={s.state}
              data-kind={s.kind}
            >
              <div className="run-step__head">
                <span className="run-step__n">{numbers[i] ?? '·'}</span>
                <span className="run-step__id mono">{s.id}</span>
                {extra ? <span className="run-step__extra">{EXTRA_LABEL[s.kind as Exclude<CeremonyStepRunView['kind'], 'script'>]}</span> : null}
                {s.action ? <span className="run-step__action">action: {s.action}</span> : null}
                <span className="run-step__state">
                  {secretRow === i ? 'waiting for a secret' : typingRow === i ? `waiting for ${typing!.custodian}'s share` : s.state}
                </span>
              </div>
              {i === run.current || s.acks.length > 0 ? <p className="run-step__say">{s.say}</p> : null}
              {s.kind === 'preflight-clock' ? (
                <ClockConfirmation step={s} clockUtc={run.clockUtc} busy={busy} active={active} onAcknowledge={onAcknowledge} onReject={onAbort} />
              ) : s.acks.length > 0 ? (
                <div className="run-step__acks">
                  {s.acks.map((a) => (
                    <NameSignOff
                      key={`${a.role}/${a.name}`}
                      role={a.role}
                      name={a.name}
                      time={a.time}
                      verb="acknowledged"
                      disabled={busy || !active}
                      testId="ceremony-ack"
                      credential={accountMode && a.role === 'custodians'}
                      onSign={(name, credential) => onAcknowledge(s.id, a.role, name, credential)}
                    />
                  ))}
                </div>
              ) : null}
              {secretRow === i ? prompt : null}
              {typingRow === i ? typeBack : null}
            </li>
          );
        })}
      </ol>
      <ExceptionNote run={run} busy={busy} onNote={onNoteException} />
      {run.phase === 'running' ? (
        <form
          className="step-runner__abort"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== '') void onAbort(reason.trim());
          }}
        >
          <input
            className="input input--wide"
            data-testid="ceremony-abort-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="reason for stopping the ceremony"
          />
          <button type="submit" className="button button--stop" data-testid="ceremony-abort" disabled={reason.trim() === ''}>
            Abort ceremony
          </button>
        </form>
      ) : null}
      {run.log.length > 0 ? (
        <details className="step-runner__log">
          <summary>What the core reported ({run.log.length})</summary>
          <pre className="mono" data-testid="ceremony-log">
            {run.log.join('\n')}
          </pre>
        </details>
      ) : null}
    </div>
  );
}
