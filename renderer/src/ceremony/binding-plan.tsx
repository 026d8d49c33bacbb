import type { CeremonyPlanView } from '../../../preload/api.js';
import { HashDisplay } from './hash-display.js';

/**
 * The binding as the custodians approve it: its SHA-256 three ways (beside the script's),
 * and every part of it — each token's module, serial and PIN source, each custodian's
 * passphrase source and share file, the CSR — with the lines that deserve a second look
 * marked: a secret nobody types, unattended sources allowed, a module the machine's
 * allow-list does not admit.
 */
export function BindingPlan({ plan }: { plan: CeremonyPlanView }) {
  const refused = plan.unattendedSources.sources.length > 0 && !plan.unattendedSources.allowed;
  const blocked = plan.modules.filter((m) => !m.allowed);
  return (
    <>
      <HashDisplay sha256={plan.bindingSha256} words={plan.bindingWords} qrSvg={plan.bindingQrSvg} testId="ceremony-binding-hash" />
      <dl className="kv" data-testid="ceremony-binding-parts">
        <div className="kv__row">
          <dt className="kv__key">Binding</dt>
          <dd className="kv__value mono">{plan.bindingPath}</dd>
        </div>
        {plan.bindingParts.map((p) => (
          <div
            key={`${p.label}-${p.line ?? ''}`}
            className="kv__row"
            data-testid="ceremony-binding-part"
            data-label={p.label}
            data-attention={p.attention ? 'true' : 'false'}
          >
            <dt className="kv__key">{p.label}</dt>
            <dd className="kv__value mono">
              {p.value}
              {p.line !== null ? <span className="hint"> (line {p.line})</span> : null}
              {p.attention ? <span className="binding-parts__attention"> — {p.attention}</span> : null}
            </dd>
          </div>
        ))}
      </dl>
      {refused ? (
        <p className="binding-warning binding-warning--refused" data-testid="ceremony-binding-sources-refused">
          This binding reads {plan.unattendedSources.sources.map((s) => `${s.at} (${s.describe}${s.line !== null ? `, line ${s.line}` : ''})`).join(', ')}{' '}
          without anyone typing it. The app refuses that: each PIN and passphrase is typed at the step that needs it (<code>{'{ typed: true }'}</code>), unless
          the binding says <code>allowUnattendedSources: true</code> for the custodians to approve.
        </p>
      ) : plan.unattendedSources.sources.length > 0 ? (
        <p className="binding-warning" data-testid="ceremony-binding-sources-allowed">
          Custodians: by approving this binding you allow {plan.unattendedSources.sources.map((s) => `${s.at} (${s.describe})`).join(', ')} to be read without
          anyone typing it.
        </p>
      ) : null}
      {blocked.map((m) => (
        <p key={m.at} className="binding-warning binding-warning--refused" data-testid="ceremony-binding-module-refused">
          {m.at}: {m.problem}
        </p>
      ))}
    </>
  );
}
