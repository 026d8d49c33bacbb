import { useState, type FormEvent } from 'react';

/**
 * Where the outputs go. No PIN or passphrase here: each is asked at the step that needs
 * it, of the person it belongs to, so nobody types a secret long before it is used.
 */
export function StartForm({ enabled, busy, onStart }: { enabled: boolean; busy: boolean; onStart: (outDir: string) => Promise<void> }) {
  const [outDir, setOutDir] = useState('');
  const ready = enabled && !busy && outDir.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) void onStart(outDir.trim());
  };
  return (
    <form className="ceremony-start" onSubmit={submit} aria-label="Start the ceremony">
      <label className="field" htmlFor="ceremony-out-input">
        <span className="field__label">Output folder (removable medium)</span>
        <input id="ceremony-out-input" className="input input--wide" data-testid="ceremony-out" value={outDir} onChange={(e) => setOutDir(e.target.value)} placeholder="/media/usb/ceremony" spellCheck={false} />
      </label>
      <button type="submit" className="button button--primary button--big" data-testid="ceremony-start" disabled={!ready}>
        Start ceremony
      </button>
    </form>
  );
}
