import { useState, type FormEvent } from 'react';
import type { CeremonyRunView } from '../../../preload/api.js';
import { utcText } from './clock-confirmation.js';

const STATE_TEXT = {
  queued: 'recorded after the current step’s acknowledgments',
  recorded: 'recorded',
  unrecorded: 'NOT recorded: the ceremony ended first',
} as const;

/**
 * A witness puts something on the record without stopping the ceremony. The witness
 * picks their own name (only the script's witnesses may), and the note is recorded at the
 * same point the terminal asks for exceptions: after the current step's acknowledgments.
 */
export function ExceptionNote({ run, busy, onNote }: { run: CeremonyRunView; busy: boolean; onNote: (name: string, note: string) => Promise<boolean> }) {
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const open = run.phase === 'running' && run.witnesses.length > 0;
  if (!open && run.exceptions.length === 0) return null;
  const ready = !busy && name !== '' && note.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    void onNote(name, note.trim()).then((ok) => {
      if (ok) setNote('');
    });
  };
  return (
    <section className="ceremony-exception" data-testid="ceremony-exceptions" aria-label="Witnesses' exceptions">
      <h3 className="ceremony-result__sub">Exceptions noted by witnesses</h3>
      {open ? (
        <form className="ceremony-exception__form" onSubmit={submit} aria-label="Note an exception">
          <select className="input" data-testid="ceremony-exception-name" value={name} onChange={(e) => setName(e.target.value)} aria-label="Witness">
            <option value="">Witness…</option>
            {run.witnesses.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
          <textarea
            className="input ceremony-exception__note"
            data-testid="ceremony-exception-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={2000}
            placeholder="what should be on the record"
            aria-label="Exception"
          />
          <button type="submit" className="button" data-testid="ceremony-exception-submit" disabled={!ready}>
            Note an exception
          </button>
        </form>
      ) : null}
      {run.exceptions.length > 0 ? (
        <ul className="ceremony-exception__list">
          {run.exceptions.map((x) => (
            <li
              key={`${x.notedAt}/${x.name}`}
              className={`ceremony-exception__item ceremony-exception__item--${x.state}`}
              data-testid="ceremony-exception"
              data-name={x.name}
              data-state={x.state}
              data-step={x.step ?? ''}
            >
              <strong>{x.name}</strong> <span className="mono hint">{utcText(x.notedAt)}</span>: {x.note}{' '}
              <span className="ceremony-exception__state">
                — {STATE_TEXT[x.state]}
                {x.step ? ` at step "${x.step}"` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
