import type { QaCheckView } from '../../../preload/api.js';

const LABEL: Record<QaCheckView['status'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/** Every named check of the verifier, in its order, with the state first so a failure is seen at a glance. */
export function QaCheckList({ checks }: { checks: readonly QaCheckView[] }) {
  return (
    <ol className="qa-checks" aria-label="Verifier checks">
      {checks.map((c) => (
        <li key={c.name} className={`qa-check qa-check--${c.status}`} data-testid="qa-check" data-check={c.name} data-state={c.status}>
          <span className="qa-check__state">{LABEL[c.status]}</span>
          <code className="qa-check__name">{c.name}</code>
          <div className="qa-check__body">
            <div className="qa-check__summary">{c.summary}</div>
            {c.details.length > 0 ? (
              <ul className="qa-check__details">
                {c.details.map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
