import type { CeremonyPreflightView } from '../../../preload/api.js';

const LABEL: Record<string, string> = {
  clock: 'Clock (UTC)',
  app: 'Application',
  workspace: 'Workspace',
  secrets: 'PINs and passphrases',
  token: 'HSM token',
  network: 'Network',
  swap: 'Swap',
  'core-dumps': 'Core dumps',
};

const STATUS: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN' };

export function PreflightList({ preflight }: { preflight: CeremonyPreflightView }) {
  return (
    <ul className="preflight" data-testid="ceremony-preflight" data-state={preflight.ok ? 'pass' : 'fail'}>
      {preflight.checks.map((c, i) => (
        <li
          key={`${c.name}-${i}`}
          className={`preflight__check preflight__check--${c.status}`}
          data-testid="ceremony-preflight-check"
          data-check={c.name}
          data-state={c.status}
          data-code={c.code ?? ''}
        >
          <span className="preflight__status">{STATUS[c.status] ?? c.status}</span>
          <span className="preflight__name">{LABEL[c.name] ?? c.name}</span>
          <span className="preflight__summary mono">
            {c.code && !c.summary.includes(c.code) ? `${c.code}: ` : ''}
            {c.summary}
          </span>
        </li>
      ))}
    </ul>
  );
}
