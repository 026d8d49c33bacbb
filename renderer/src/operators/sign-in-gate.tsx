import './operators.css';
import { useState, type FormEvent } from 'react';
import type { ApiFailure } from '../api/hallmark.js';
import { useOperatorSession } from './operator-session.js';
import { refusalText } from './refusal-text.js';

/**
 * The window's sign-in once the workspace has accounts (app-sign-in-gate.tsx), and its lock after the
 * idle time. The passphrase or PIN stays in this form only until it is sent (then
 * cleared, whatever the answer); a refusal is shown in words, never with what was typed.
 */
export function SignInGate() {
  const { locked, status, signIn } = useOperatorSession();
  const [name, setName] = useState(locked?.name ?? '');
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ApiFailure | null>(null);
  const minutes = status ? Math.max(1, Math.round(status.idleLockSeconds / 60)) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() === '' || credential === '' || busy) return;
    const secret = credential;
    setCredential('');
    setBusy(true);
    setRefusal(await signIn(name.trim(), secret));
    setBusy(false);
  };

  const words = refusal ? refusalText(refusal) : null;
  return (
    <form
      className="station-panel sign-in-gate"
      data-testid="operator-sign-in"
      data-locked={locked ? 'true' : 'false'}
      aria-labelledby="sign-in-title"
      onSubmit={(e) => void submit(e)}
    >
      <h2 id="sign-in-title" className="sign-in-gate__title">
        {locked ? 'Screen locked' : 'Sign in to use this workspace'}
      </h2>
      <p className="hint" data-testid="operator-sign-in-why">
        {locked
          ? `${locked.name} was signed in; the screen locked after ${status && status.idleLockSeconds < 120 ? `${status.idleLockSeconds} s` : `${minutes} min`} without activity. A running station keeps running. Sign in again to use it.`
          : 'This workspace has operator accounts: every action at this window records who is signed in here.'}
      </p>
      <div className="field">
        <label className="field__label" htmlFor="sign-in-name">
          Account
        </label>
        <input
          id="sign-in-name"
          className="input"
          data-testid="operator-sign-in-name"
          value={name}
          maxLength={64}
          autoComplete="username"
          onChange={(e) => setName(e.target.value)}
        />
        <label className="field__label" htmlFor="sign-in-credential">
          Passphrase or PIN
        </label>
        <input
          id="sign-in-credential"
          className="input"
          type="password"
          data-testid="operator-sign-in-credential"
          value={credential}
          maxLength={1024}
          autoComplete="off"
          onChange={(e) => setCredential(e.target.value)}
        />
        <button
          type="submit"
          className="button button--primary"
          data-testid="operator-sign-in-submit"
          disabled={busy || name.trim() === '' || credential === ''}
        >
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </div>
      {refusal && words ? (
        <div className="sign-in-gate__refusal" role="alert" data-testid="operator-sign-in-refusal" data-code={refusal.code}>
          <strong>{words.reason}</strong> {words.action}
          {words.reason !== refusal.message ? <span className="hint sign-in-gate__detail"> ({refusal.message})</span> : null}
        </div>
      ) : null}
    </form>
  );
}
