import { useState } from 'react';
import type { CeremonyRole, CeremonyRunView } from '../../../preload/api.js';
import { runProgress } from './ceremony-text.js';
import { NameSignOff } from './name-sign-off.js';

/** The ceremony one step at a time: all steps with their state, and the current one's instructions and sign-offs. */
export function StepRunner({ run, busy, onAcknowledge, onAbort }: {
  run: CeremonyRunView;
  busy: boolean;
  onAcknowledge: (step: string, role: CeremonyRole, name: string) => Promise<boolean>;
  onAbort: (reason: string) => Promise<void>;
}) {
  const progress = runProgress(run);
  const [reason, setReason] = useState('');
  return (
    <div className="step-runner" data-testid="ceremony-run" data-phase={run.phase}>
      <div className="step-runner__progress">
        <progress max={progress.total} value={progress.done} aria-label="steps done" />
        <span data-testid="ceremony-progress">{progress.label}</span>
      </div>
      <ol className="step-runner__steps">
        {run.steps.map((s, i) => (
          <li key={s.id} className={`run-step run-step--${s.state}`} data-testid="ceremony-step" data-step={s.id} data-state={s.state}>
            <div className="run-step__head">
              <span className="run-step__n">{i + 1}</span>
              <span className="run-step__id mono">{s.id}</span>
              {s.action ? <span className="run-step__action">action: {s.action}</span> : null}
              <span className="run-step__state">{s.state}</span>
            </div>
            {i === run.current || s.acks.length > 0 ? <p className="run-step__say">{s.say}</p> : null}
            {s.acks.length > 0 ? (
              <div className="run-step__acks">
                {s.acks.map((a) => (
                  <NameSignOff
                    key={`${a.role}/${a.name}`}
                    role={a.role}
                    name={a.name}
                    time={a.time}
                    verb="acknowledged"
                    disabled={busy || s.state !== 'acknowledging' || run.phase !== 'running'}
                    testId="ceremony-ack"
                    onSign={(n) => onAcknowledge(s.id, a.role, n)}
                  />
                ))}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      {run.phase === 'running' ? (
        <form
          className="step-runner__abort"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== '') void onAbort(reason.trim());
          }}
        >
          <input className="input input--wide" data-testid="ceremony-abort-reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="reason for stopping the ceremony" />
          <button type="submit" className="button button--stop" data-testid="ceremony-abort" disabled={reason.trim() === ''}>
            Abort ceremony
          </button>
        </form>
      ) : null}
      {run.log.length > 0 ? (
        <details className="step-runner__log">
          <summary>What the core reported ({run.log.length})</summary>
          <pre className="mono" data-testid="ceremony-log">{run.log.join('\n')}</pre>
        </details>
      ) : null}
    </div>
  );
}
