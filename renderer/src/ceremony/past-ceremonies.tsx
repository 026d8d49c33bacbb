import type { CeremonySummaryView } from '../../../preload/api.js';
import { utcText } from './clock-confirmation.js';

const STATUS_TEXT: Record<CeremonySummaryView['status'], string> = {
  running: 'running',
  completed: 'completed',
  aborted: 'aborted',
  interrupted: 'interrupted',
};

/** The workspace's ceremonies, newest first; a row opens its detail. */
export function PastCeremonies({
  ceremonies,
  selected,
  onShow,
}: {
  ceremonies: readonly CeremonySummaryView[];
  selected: string | null;
  onShow: (id: string) => void;
}) {
  if (ceremonies.length === 0)
    return (
      <p className="hint" data-testid="ceremony-past-empty">
        No ceremony has been run in this workspace yet.
      </p>
    );
  return (
    <table className="ceremony-past" data-testid="ceremony-past">
      <thead>
        <tr>
          <th>Ceremony</th>
          <th>Kind</th>
          <th>Status</th>
          <th>Steps</th>
          <th>Started</th>
          <th>Finished</th>
        </tr>
      </thead>
      <tbody>
        {ceremonies.map((c) => (
          <tr
            key={c.id}
            className={`ceremony-past__row${selected === c.id ? ' ceremony-past__row--selected' : ''}`}
            data-testid="ceremony-past-row"
            data-id={c.id}
            data-name={c.name}
            data-status={c.status}
            tabIndex={0}
            onClick={() => onShow(c.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onShow(c.id);
              }
            }}
          >
            <td>
              {c.name}
              {c.rehearsal ? <span className="ceremony-tag">rehearsal</span> : null}
            </td>
            <td>{c.kind}</td>
            <td>
              <span
                className={`ceremony-badge ceremony-badge--${c.status}`}
                data-testid="ceremony-past-status"
                title={c.error ? `${c.error.code}: ${c.error.message}` : undefined}
              >
                {STATUS_TEXT[c.status]}
              </span>
            </td>
            <td>
              {c.stepsDone} / {c.stepsTotal}
            </td>
            <td className="mono">{utcText(c.startedAt)}</td>
            <td className="mono">{c.finishedAt ? utcText(c.finishedAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
