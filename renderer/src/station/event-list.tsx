import type { StationLogEntryView } from '../../../preload/api.js';
import { eventText, portLabel } from './event-text.js';

/** The live event list, newest first. */
export function EventList({ entries }: { entries: readonly StationLogEntryView[] }) {
  const newestFirst = [...entries].reverse();
  return (
    <section className="event-list" aria-label="Station events">
      <h2 className="event-list__title">Events</h2>
      <ol className="event-list__items" data-testid="station-events" aria-live="polite">
        {newestFirst.length === 0 ? <li className="hint">Nothing yet.</li> : null}
        {newestFirst.map((e) => (
          <li key={e.seq} className={`event-list__item event-list__item--${e.result ?? e.kind}`} data-testid="station-event" data-kind={e.kind}>
            <time className="mono event-list__time" dateTime={e.time}>
              {e.time.slice(11, 19)}
            </time>
            <span className="mono event-list__port">{e.port === null ? '' : portLabel(e.port)}</span>
            <span className="mono event-list__serial">{e.serial ?? ''}</span>
            <span className="event-list__text">{eventText(e)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
