import { useState, type FormEvent } from 'react';
import type { AuthorityView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

/**
 * Signing a new CRL: the passphrase or token PIN is asked here, when it is needed, sent
 * once with the request and cleared from the form whatever the outcome. A CA whose key is
 * split into shares gets the ceremony to run instead.
 */
export function CrlSignForm({
  authority: a,
  onSigned,
  onError,
}: {
  authority: AuthorityView;
  onSigned: (crlNumber: number) => void;
  onError: (f: ApiFailure) => void;
}) {
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState('');
  const [days, setDays] = useState(30);
  const [busy, setBusy] = useState(false);
  if (a.crlSigning === null) return null;
  if (a.crlSigning === 'ceremony') {
    return (
      <p className="hint" data-testid="authority-crl-ceremony">
        The key of {a.name} is split into custodian shares ({a.key?.shares ? `${a.key.shares.threshold} of ${a.key.shares.total}` : 'M of N'}): a new CRL is
        signed at a CRL ceremony. Prepare a script of kind <span className="mono">crl</span> for CA <span className="mono">{a.name}</span> and run it from
        Ceremonies.
      </p>
    );
  }
  const what = a.crlSigning === 'passphrase' ? 'Key passphrase' : 'Token PIN';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (secret === '' || busy) return;
    setBusy(true);
    const unlock = a.crlSigning === 'passphrase' ? { kind: 'passphrase' as const, passphrase: secret } : { kind: 'pkcs11-pin' as const, pin: secret };
    setSecret('');
    try {
      const r = await invoke('authorities.signCrl', { ca: a.name, nextUpdateDays: days, unlock });
      setOpen(false);
      onSigned(r.crlNumber);
    } catch (err) {
      onError(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" className="button" data-testid="authority-sign-crl" onClick={() => setOpen(true)}>
        Sign a new CRL…
      </button>
    );
  }
  return (
    <form className="authority-crl-form" data-testid="authority-crl-form" onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span className="field__label">{what}</span>
        <input
          className="input"
          type="password"
          autoComplete="off"
          data-testid="authority-crl-secret"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoFocus
        />
      </label>
      <label className="field">
        <span className="field__label">Next update in (days)</span>
        <input
          className="input input--narrow"
          type="number"
          min={1}
          max={366}
          data-testid="authority-crl-days"
          value={days}
          onChange={(e) => setDays(Math.max(1, Math.min(366, Number(e.target.value) || 1)))}
        />
      </label>
      <button type="submit" className="button button--primary" data-testid="authority-crl-submit" disabled={secret === '' || busy}>
        {busy ? 'Signing…' : 'Sign CRL'}
      </button>
      <button type="button" className="button button--ghost" onClick={() => (setSecret(''), setOpen(false))}>
        Cancel
      </button>
    </form>
  );
}
