import type { PortTileView, StationEventView, StationLogEntryView, StationRunView, StationStatusView } from '../../../preload/api.js';

/** What the Station screen shows, built from station.status snapshots and station.event pushes. */
export interface StationViewState {
  readonly run: StationRunView | null;
  readonly counts: StationStatusView['counts'];
  /** newest last */
  readonly recent: readonly StationLogEntryView[];
  /** an event named a run this state does not know: ask for a snapshot */
  readonly stale: boolean;
}

export const RECENT_KEPT = 100;

export const EMPTY_VIEW: StationViewState = { run: null, counts: null, recent: [], stale: false };

/** Applies one pushed event; the counters shown follow the run's batch only when it is the one on screen. */
export function applyEvent(state: StationViewState, e: StationEventView, shownBatch: string | null): StationViewState {
  const recent = e.entry === null ? state.recent : mergeRecent(state.recent, [e.entry]);
  const counts = e.counts !== null && e.batchId === shownBatch ? e.counts : state.counts;
  if (state.run === null || state.run.runId !== e.runId) return { ...state, recent, counts, stale: true };
  const run: StationRunView = {
    ...state.run,
    phase: e.phase,
    throughputPerMinute: e.throughputPerMinute,
    ports: e.tile === null ? state.run.ports : upsertTile(state.run.ports, e.tile),
    ...(e.phase === 'finished' && state.run.finishedAt === null && e.entry !== null ? { finishedAt: e.entry.time } : {}),
    ...(e.phase === 'stopping' && e.entry?.kind === 'stopping' ? { stopReason: e.entry.text } : {}),
  };
  return { ...state, run, recent, counts, stale: state.stale };
}

/**
 * Takes a snapshot. Events may overtake the snapshot's response, so a tile already newer
 * than the snapshot's (by updatedAt) is kept; the event list is merged by seq.
 */
export function reconcile(state: StationViewState, status: StationStatusView): StationViewState {
  let run = status.run;
  if (run !== null && state.run !== null && state.run.runId === run.runId) {
    const mine = new Map(state.run.ports.map((t) => [t.port, t]));
    run = {
      ...run,
      ports: run.ports.map((t) => {
        const local = mine.get(t.port);
        return local !== undefined && local.updatedAt > t.updatedAt ? local : t;
      }),
      // A finished run never goes back to running because of an older snapshot.
      phase: state.run.phase === 'finished' ? 'finished' : run.phase,
    };
  }
  return { run, counts: status.counts, recent: mergeRecent(state.recent, status.recent), stale: false };
}

export function mergeRecent(a: readonly StationLogEntryView[], b: readonly StationLogEntryView[]): StationLogEntryView[] {
  const bySeq = new Map<number, StationLogEntryView>();
  for (const e of a) bySeq.set(e.seq, e);
  for (const e of b) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq).slice(-RECENT_KEPT);
}

function upsertTile(tiles: readonly PortTileView[], tile: PortTileView): PortTileView[] {
  const i = tiles.findIndex((t) => t.port === tile.port);
  if (i < 0) return [...tiles, tile];
  const next = [...tiles];
  next[i] = tile;
  return next;
}

/**
 * The tiles on screen: a live run's own ports; otherwise the ports picked for the next
 * run, each with its last result from the previous run where it had one.
 */
export function tilesToShow(run: StationRunView | null, selected: readonly string[]): PortTileView[] {
  if (run !== null && run.phase !== 'finished') return run.ports;
  const last = new Map((run?.ports ?? []).map((t) => [t.port, t]));
  return selected.map((port) => last.get(port) ?? idleTile(port));
}

export function idleTile(port: string): PortTileView {
  return {
    port,
    state: 'idle',
    serial: null,
    step: null,
    progress: 0,
    attempt: 0,
    result: null,
    code: null,
    message: null,
    remedy: null,
    certificateSerial: null,
    updatedAt: '',
  };
}
