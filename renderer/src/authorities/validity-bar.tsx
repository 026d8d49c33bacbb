import type { AuthorityView } from '../../../preload/api.js';

/** The validity as a bar from notBefore to notAfter, with today marked on it. */
export function ValidityBar({ authority: a }: { authority: AuthorityView }) {
  const d = a.certificate.description;
  const pct = Math.round(a.validityPosition * 1000) / 10;
  return (
    <div className="validity" data-testid="authority-validity" data-state={a.validityState} data-position={a.validityPosition.toFixed(3)}>
      <div className="validity__bar">
        <div className="validity__used" style={{ width: `${pct}%` }} />
        <div className="validity__today" style={{ left: `${pct}%` }} title="today" />
      </div>
      <div className="validity__ends">
        <span className="mono">{d.notBefore.slice(0, 10)}</span>
        <span className="validity__state">
          {a.validityState === 'valid' ? `today: ${pct}% of its validity used` : a.validityState === 'expired' ? 'expired' : 'not yet valid'}
        </span>
        <span className="mono">{d.notAfter.slice(0, 10)}</span>
      </div>
      {d.validityNote ? <p className="hint">{d.validityNote}</p> : null}
    </div>
  );
}
