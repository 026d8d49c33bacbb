import type { PortTileView } from '../../../preload/api.js';
import { portLabel } from './event-text.js';
import { failureText } from './failure-text.js';
import { STAGES, stageStates, type StageState } from './step-progress.js';

const STATE_WORDS: Record<PortTileView['state'], string> = { idle: 'Ready', running: 'Working', done: 'Done', failed: 'Failed' };

export function PortTile({ tile }: { tile: PortTileView }) {
  const stages = stageStates(tile);
  const failure = tile.state === 'failed' ? failureText(tile.code, { message: tile.message, remedy: tile.remedy }) : null;
  const retrying = tile.state === 'running' && tile.attempt > 1;
  return (
    <article
      className={`port-tile port-tile--${tile.state}`}
      data-testid="port-tile"
      data-port={tile.port}
      data-state={tile.state}
      data-serial={tile.serial ?? ''}
      {...(tile.code !== null ? { 'data-code': tile.code } : {})}
      aria-label={`Port ${portLabel(tile.port)}: ${STATE_WORDS[tile.state]}`}
    >
      <header className="port-tile__head">
        <span className="port-tile__port mono" title={tile.port}>
          {portLabel(tile.port)}
        </span>
        <span className="port-tile__state">{tile.result === 'refused' ? 'Refused' : STATE_WORDS[tile.state]}</span>
      </header>
      <div className="port-tile__serial mono">{tile.serial ?? (tile.state === 'idle' ? '—' : 'waiting for device…')}</div>
      <ol className="steps" data-testid="port-tile-steps" aria-label="Steps">
        {STAGES.map((stage, i) => (
          <li key={stage} className={`steps__item steps__item--${stages[i]}`} title={stage} data-stage={stage} data-stage-state={stages[i]}>
            <span className="steps__label">{stage}</span>
          </li>
        ))}
      </ol>
      <p className="port-tile__stage" data-testid="port-tile-stage">
        {stageCaption(tile.state, stages)}
      </p>
      {failure ? (
        <div className="port-tile__failure">
          <p className="port-tile__reason" data-testid="port-tile-reason">
            {failure.reason}
          </p>
          <p className="port-tile__action" data-testid="port-tile-action">
            {failure.action}
          </p>
          <p className="port-tile__code mono" title={tile.message ?? undefined}>
            {tile.code}
          </p>
        </div>
      ) : retrying ? (
        <p className="port-tile__note">
          Trying again (attempt {tile.attempt}) — {failureText(tile.code).reason}
        </p>
      ) : null}
    </article>
  );
}

function stageCaption(state: PortTileView['state'], stages: readonly StageState[]): string {
  if (state === 'idle') return 'Not started';
  if (state === 'done') return 'Provisioned and locked';
  const i = stages.findIndex((s) => s === 'current' || s === 'failed');
  const stage = i < 0 ? undefined : STAGES[i];
  if (stage === undefined) return state === 'failed' ? 'Stopped' : 'Working';
  return state === 'failed' ? `Stopped at: ${stage}` : `Now: ${stage}`;
}
