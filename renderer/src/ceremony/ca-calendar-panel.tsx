import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { CaCalendarEventView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

const STATE_TEXT: Record<CaCalendarEventView['state'], string> = { ok: 'ok', 'due-soon': 'due soon', overdue: 'overdue' };

/**
 * The CAs' calendar: when each CRL must be re-signed (an offline root's only at a
 * ceremony, so it shows with its lead time) and when each CA is renewed and expires.
 * Loaded when the screen opens and after each export, so states reflect today; the
 * export goes where the main process's save dialog puts it (the window never names a
 * path), `.ics` forced, and an existing file or a place inside the workspace is refused.
 */
export function CaCalendarPanel({ onError }: { onError: (f: ApiFailure) => void }) {
  const [events, setEvents] = useState<CaCalendarEventView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [exported, setExported] = useState<{ path: string; count: number } | null>(null);

  const load = useCallback(
    () =>
      invoke('ceremony.calendar', {}).then(
        (r) => setEvents(r.events),
        (e: unknown) => onError(toFailure(e)),
      ),
    [onError],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setExported(null);
    try {
      const r = await invoke('ceremony.exportCalendar', {});
      if (r) {
        setEvents(r.events);
        setExported({ path: r.path, count: r.events.length });
      }
    } catch (err) {
      onError(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="ceremony-panel" aria-label="CA calendar" data-testid="ca-calendar">
      <h2 className="section-title">CA calendar — CRL re-signing, renewals and expiry</h2>
      {events === null ? <p className="hint">Loading…</p> : null}
      {events !== null && events.length === 0 ? <p className="hint">No CA in this workspace yet.</p> : null}
      {events !== null && events.length > 0 ? (
        <table className="batch-table ca-calendar__table" data-testid="ca-calendar-table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Deadline</th>
              <th scope="col">What</th>
              <th scope="col">CA</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.uid} data-testid="ca-calendar-event" data-kind={e.kind} data-state={e.state} title={e.description}>
                <td>{e.date.slice(0, 10)}</td>
                <td>{e.due.slice(0, 10)}</td>
                <td>{e.summary}</td>
                <td>{e.ca}</td>
                <td>
                  <span className={`status-chip status-chip--${e.state}`}>{STATE_TEXT[e.state]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="qa-form" onSubmit={(e) => void submit(e)} aria-label="Export the calendar">
        <div className="qa-form__actions">
          <button type="submit" className="button" data-testid="ca-calendar-export" disabled={busy}>
            Export .ics…
          </button>
          {exported ? (
            <span className="hint" data-testid="ca-calendar-exported">
              Wrote {exported.count} event(s) to {exported.path}
            </span>
          ) : (
            <span className="hint">Import it into a calendar; exporting again later updates the same entries.</span>
          )}
        </div>
      </form>
    </section>
  );
}
