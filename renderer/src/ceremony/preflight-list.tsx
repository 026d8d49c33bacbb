import type { CeremonyPreflightView } from '../../../preload/api.js';

const LABEL: Record<string, string> = { clock: 'Clock (UTC)', app: 'Application', workspace: 'Workspace', token: 'HSM token', network: 'Network' };

export function PreflightList({ preflight }: { preflight: CeremonyPreflightView }) {
  return (
    <ul className="preflight" data-testid="ceremony-preflight" data-state={preflight.ok ? 'pass' : 'fail'}>
      {preflight.checks.map((c) => (
        <li key={c.name} className={`preflight__check preflight__check--${c.status}`} data-testid="ceremony-preflight-check" data-check={c.name} data-state={c.status}>
          <span className="preflight__status">{c.status === 'pass' ? 'PASS' : 'FAIL'}</span>
          <span className="preflight__name">{LABEL[c.name] ?? c.name}</span>
          <span className="preflight__summary mono">{c.summary}</span>
        </li>
      ))}
    </ul>
  );
}
