import { useState, type FormEvent } from 'react';
import type { CeremonySecretRequestView } from '../../../preload/api.js';

/**
 * The PIN or passphrase a step's action needs, asked of the one person it belongs to, one
 * at a time. The field is a password input cleared as soon as it is sent: the secret
 * crosses once, in memory, and is never shown again.
 */
export function SecretPrompt({
  request,
  busy,
  onProvide,
}: {
  request: CeremonySecretRequestView;
  busy: boolean;
  onProvide: (requestId: string, secret: string) => Promise<boolean>;
}) {
  const [secret, setSecret] = useState('');
  const custodian = request.custodian !== null;
  const inputId = `ceremony-secret-${request.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (secret === '' || busy) return;
    const typed = secret;
    setSecret('');
    void onProvide(request.id, typed);
  };
  return (
    <form
      className="secret-prompt"
      data-testid="ceremony-secret"
      data-kind={request.kind}
      data-who={request.who}
      data-step={request.step}
      onSubmit={submit}
      aria-label={`${request.who}: ${request.kind === 'pin' ? 'PIN' : 'passphrase'}`}
    >
      <span className="secret-prompt__role">{custodian ? 'Custodian' : 'Administrator'}</span>
      <span className="secret-prompt__who" data-testid="ceremony-secret-who">
        {request.who}
      </span>
      <label className="secret-prompt__ask" htmlFor={inputId} data-testid="ceremony-secret-what">
        {custodian ? 'enter your passphrase' : `enter ${request.what}`}
      </label>
      <div className="secret-prompt__row">
        <input
          id={inputId}
          type="password"
          className="input input--wide"
          data-testid="ceremony-secret-input"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoComplete="off"
          autoFocus
        />
        <button type="submit" className="button button--primary" data-testid="ceremony-secret-submit" disabled={busy || secret === ''}>
          Continue
        </button>
      </div>
      <p className="hint">
        Everyone else looks away. It is used for step “{request.step}” and not kept: not in the transcript, the audit log or on this screen.
      </p>
    </form>
  );
}
