import { useState, type FormEvent } from 'react';

/**
 * Where the outputs go and, when the binding asks the app for it, the token PIN. The PIN
 * field is a password input, cleared as soon as it is sent: the PIN crosses IPC once, in
 * memory, and is never shown again (as the station's unlock).
 */
export function StartForm({ pinRequired, enabled, busy, onStart }: { pinRequired: boolean; enabled: boolean; busy: boolean; onStart: (outDir: string, pin: string | null) => Promise<void> }) {
  const [outDir, setOutDir] = useState('');
  const [pin, setPin] = useState('');
  const ready = enabled && !busy && outDir.trim() !== '' && (!pinRequired || pin !== '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    const typed = pinRequired ? pin : null;
    setPin('');
    void onStart(outDir.trim(), typed);
  };
  return (
    <form className="ceremony-start" onSubmit={submit} aria-label="Start the ceremony">
      <label className="field" htmlFor="ceremony-out-input">
        <span className="field__label">Output folder (removable medium)</span>
        <input id="ceremony-out-input" className="input input--wide" data-testid="ceremony-out" value={outDir} onChange={(e) => setOutDir(e.target.value)} placeholder="/media/usb/ceremony" spellCheck={false} />
      </label>
      {pinRequired ? (
        <label className="field" htmlFor="ceremony-pin-input">
          <span className="field__label">Token PIN (administrator)</span>
          <input id="ceremony-pin-input" type="password" className="input" data-testid="ceremony-pin" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" />
        </label>
      ) : null}
      <button type="submit" className="button button--primary button--big" data-testid="ceremony-start" disabled={!ready}>
        Start ceremony
      </button>
    </form>
  );
}
