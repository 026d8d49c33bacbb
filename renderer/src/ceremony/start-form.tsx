import type { FormEvent } from 'react';

/**
 * Starts the ceremony. The output folder (the removable medium) is chosen in the main
 * process's folder dialog, which Start opens: the window never names a path, and a folder
 * inside the workspace is refused. No PIN or passphrase here either: each is asked at the
 * step that needs it, of the person it belongs to, so nobody types a secret long before it is used.
 */
export function StartForm({ enabled, busy, onStart }: { enabled: boolean; busy: boolean; onStart: () => Promise<void> }) {
  const ready = enabled && !busy;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) void onStart();
  };
  return (
    <form className="ceremony-start" onSubmit={submit} aria-label="Start the ceremony">
      <span className="hint">Start asks for the output folder on the removable medium.</span>
      <button type="submit" className="button button--primary button--big" data-testid="ceremony-start" disabled={!ready}>
        Choose the output folder and start…
      </button>
    </form>
  );
}
