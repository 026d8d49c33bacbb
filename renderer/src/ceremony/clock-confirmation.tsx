import { useEffect, useState } from 'react';
import type { CeremonyRole, CeremonyStepRunView } from '../../../preload/api.js';
import { NameSignOff } from './name-sign-off.js';
import { useOperatorSession } from '../operators/operator-session.js';

/** "2026-11-28 22:19:39 UTC": the form people read aloud against a reference clock. */
export function utcText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

export const CLOCK_REJECTED = 'witness rejected the clock';

/**
 * The witnesses confirm the machine's clock, as the pre-flight recorded it, against a
 * clock they trust, each by typing their name; or any of them rejects it, which stops the
 * ceremony before anything is made (a transcript with a wrong clock proves nothing).
 */
export function ClockConfirmation({
  step,
  clockUtc,
  busy,
  active,
  onAcknowledge,
  onReject,
}: {
  step: CeremonyStepRunView;
  clockUtc: string | null;
  busy: boolean;
  active: boolean;
  onAcknowledge: (step: string, role: CeremonyRole, name: string, credential?: string) => Promise<boolean>;
  onReject: (reason: string) => Promise<void>;
}) {
  const now = useNow(active);
  const accountMode = useOperatorSession().status?.accountsRequired === true;
  return (
    <div className="clock-confirm" data-testid="ceremony-clock">
      <span className="clock-confirm__label">Pre-flight clock</span>
      <span className="clock-confirm__time mono" data-testid="ceremony-clock-time" data-utc={clockUtc ?? ''}>
        {clockUtc ? utcText(clockUtc) : 'see the pre-flight report'}
      </span>
      {active ? (
        <span className="clock-confirm__now mono" data-testid="ceremony-clock-now">
          this machine now: {utcText(now.toISOString())}
        </span>
      ) : null}
      <p className="hint">Witnesses: compare with a clock you trust (a radio clock, your phone). Confirm by typing your name, or reject the clock.</p>
      <div className="run-step__acks">
        {step.acks.map((a) => (
          <NameSignOff
            key={`${a.role}/${a.name}`}
            role={a.role}
            name={a.name}
            time={a.time}
            verb="confirmed"
            disabled={busy || !active}
            testId="ceremony-ack"
            credential={accountMode && a.role === 'custodians'}
            onSign={(n, credential) => onAcknowledge(step.id, a.role, n, credential)}
          />
        ))}
      </div>
      {active ? (
        <button type="button" className="button button--stop" data-testid="ceremony-clock-reject" disabled={busy} onClick={() => void onReject(CLOCK_REJECTED)}>
          Reject clock
        </button>
      ) : null}
    </div>
  );
}

function useNow(ticking: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!ticking) return;
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  return now;
}
