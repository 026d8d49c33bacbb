export type UnlockKind = 'passphrase' | 'pkcs11-pin';

interface Props {
  operator: string;
  /** the account signed in at this window once the workspace has accounts: shown instead of the typed field */
  account?: string | null | undefined;
  onOperator: (name: string) => void;
  unlockKind: UnlockKind;
  onUnlockKind: (kind: UnlockKind) => void;
  secret: string;
  onSecret: (secret: string) => void;
  live: boolean;
  stopping: boolean;
  busy: boolean;
  /** why Start is not possible yet, or null */
  blocker: string | null;
  onStart: () => void;
  onStop: () => void;
}

/**
 * Who is at the fixture, the CA key's unlock, and start/stop. The passphrase or PIN is
 * kept in this form only until Start is pressed (then cleared, whatever the outcome).
 */
export function RunControls(p: Props) {
  return (
    <div className="station-panel run-controls" aria-label="Run">
      <div className="field">
        <label className="field__label" htmlFor="station-operator">
          Operator
        </label>
        {p.account !== undefined ? (
          <span className="mono" id="station-operator" data-testid="station-operator-account">
            {p.account ?? '—'}
          </span>
        ) : (
          <input
            id="station-operator"
            className="input"
            data-testid="station-operator"
            value={p.operator}
            maxLength={100}
            autoComplete="off"
            placeholder="your name"
            disabled={p.live}
            onChange={(e) => p.onOperator(e.target.value)}
          />
        )}
      </div>
      {!p.live ? (
        <div className="field">
          <select
            className="select select--narrow"
            data-testid="station-unlock-kind"
            value={p.unlockKind}
            onChange={(e) => p.onUnlockKind(e.target.value === 'pkcs11-pin' ? 'pkcs11-pin' : 'passphrase')}
            aria-label="CA key unlock"
          >
            <option value="passphrase">CA key passphrase</option>
            <option value="pkcs11-pin">CA token PIN</option>
          </select>
          <input
            className="input"
            type="password"
            data-testid="station-passphrase"
            value={p.secret}
            autoComplete="off"
            aria-label={p.unlockKind === 'passphrase' ? 'CA key passphrase' : 'CA token PIN'}
            onChange={(e) => p.onSecret(e.target.value)}
            // Enter here is the Start button, only when Start itself could be pressed.
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              if (p.blocker === null && !p.busy) p.onStart();
            }}
          />
        </div>
      ) : null}
      <div className="field">
        {p.live ? (
          <button type="button" className="button button--big button--stop" data-testid="station-stop" onClick={p.onStop} disabled={p.stopping}>
            {p.stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button
            type="button"
            className="button button--big button--primary"
            data-testid="station-start"
            onClick={p.onStart}
            disabled={p.blocker !== null || p.busy}
          >
            {p.busy ? 'Starting…' : 'Start'}
          </button>
        )}
        {!p.live && p.blocker !== null ? (
          <span className="hint" data-testid="station-start-blocker">
            {p.blocker}
          </span>
        ) : null}
      </div>
    </div>
  );
}
