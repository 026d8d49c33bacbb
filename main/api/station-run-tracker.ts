import type { PortTileView, StationCountsView, StationEventView, StationLogEntryView, StationRunView } from '../../preload/api.js';
import type { StationEvent } from '../station/station-events.js';
import { countsView } from './station-views.js';

/**
 * Folds one station run's events into what the dashboard shows: a tile per port, the
 * run's phase, the counters and the throughput. Each event becomes one compact
 * StationEventView for the renderer (or none, when nothing it shows changed).
 */
export class StationRunTracker {
  readonly #tiles = new Map<string, PortTileView>();
  #phase: StationRunView['phase'] = 'running';
  #finishedAt: string | null = null;
  #stopReason: string | null = null;
  #confirmed = 0;
  #counts: StationCountsView | null = null;

  constructor(
    readonly runId: string,
    readonly batchId: string,
    readonly operator: string,
    ports: readonly string[],
    readonly startedAt: Date,
    private readonly nextSeq: () => number,
  ) {
    for (const port of ports) this.#tiles.set(port, blankTile(port, startedAt.toISOString()));
  }

  get phase(): StationRunView['phase'] {
    return this.#phase;
  }

  get counts(): StationCountsView | null {
    return this.#counts;
  }

  view(now = new Date()): StationRunView {
    return {
      runId: this.runId,
      batchId: this.batchId,
      operator: this.operator,
      phase: this.#phase,
      startedAt: this.startedAt.toISOString(),
      finishedAt: this.#finishedAt,
      stopReason: this.#stopReason,
      ports: [...this.#tiles.values()].map((t) => ({ ...t })),
      throughputPerMinute: this.throughput(now),
    };
  }

  /** The run ended without a `finished` event (an unexpected failure in the core). */
  abort(reason: string): StationEventView {
    this.#phase = 'finished';
    this.#finishedAt = new Date().toISOString();
    this.#stopReason ??= reason;
    return this.wrap(this.entry('finished', { text: reason }), null);
  }

  apply(e: StationEvent): StationEventView | null {
    const now = new Date().toISOString();
    switch (e.type) {
      case 'started':
        this.#counts = countsView(e.counts);
        return this.wrap(this.entry('run-started', { text: `${e.ports.length} ports` }), null, true);
      case 'step': {
        const tile = this.tile(e.port, now, {
          state: 'running',
          serial: e.serial,
          step: e.step,
          // refused/failed report 0: keep how far the attempt got, for the failed stage.
          ...(e.progress > 0 ? { progress: e.progress } : {}),
        });
        return this.wrap(this.entry('step', { port: e.port, serial: e.serial, step: e.step }), tile);
      }
      case 'retry': {
        const tile = this.tile(e.port, now, { state: 'running', step: null, progress: 0, attempt: e.attempt, code: e.code });
        return this.wrap(this.entry('retry', { port: e.port, serial: tile.serial, code: e.code, text: `attempt ${e.attempt}` }), tile);
      }
      case 'device': {
        const o = e.outcome;
        if (o.result === 'done') this.#confirmed++;
        const tile = this.tile(o.port, now, {
          state: o.result === 'done' ? 'done' : 'failed',
          serial: o.serial,
          result: o.result,
          code: o.code,
          message: o.message,
          remedy: o.remedy,
          certificateSerial: o.certificateSerial,
          ...(o.result === 'done' ? { progress: 7, step: 'done' as const } : {}),
        });
        const text = o.result === 'done' ? (o.resent ? 're-sent certificate' : null) : o.message;
        return this.wrap(this.entry('device', { port: o.port, serial: o.serial, result: o.result, code: o.code, text: text?.slice(0, 300) ?? null }), tile);
      }
      case 'progress':
        this.#counts = countsView(e.counts);
        return this.wrap(null, null, true);
      // Auto-mode port changes: a tile appears with the port's first step; nothing to show before.
      case 'port':
      case 'port-watch-failed':
        return null;
      case 'stopping':
        this.#phase = 'stopping';
        this.#stopReason = e.reason;
        return this.wrap(this.entry('stopping', { text: e.reason }), null);
      case 'finished':
        this.#phase = 'finished';
        this.#finishedAt = now;
        this.#stopReason = e.summary.stopped;
        this.#counts = countsView(e.summary.counts);
        return this.wrap(this.entry('finished', { text: e.summary.stopped }), null, true);
    }
  }

  private throughput(now: Date): number | null {
    if (this.#confirmed === 0) return null;
    const end = this.#finishedAt === null ? now.getTime() : Date.parse(this.#finishedAt);
    // At least one second, so the first device does not read as thousands per minute.
    const minutes = Math.max(1000, end - this.startedAt.getTime()) / 60_000;
    return Math.round((this.#confirmed / minutes) * 10) / 10;
  }

  private tile(port: string, now: string, change: Partial<PortTileView>): PortTileView {
    const next = { ...(this.#tiles.get(port) ?? blankTile(port, now)), ...change, updatedAt: now };
    this.#tiles.set(port, next);
    return { ...next };
  }

  private entry(kind: StationLogEntryView['kind'], fields: Partial<Omit<StationLogEntryView, 'seq' | 'time' | 'kind'>>): StationLogEntryView {
    return { seq: this.nextSeq(), time: new Date().toISOString(), kind, port: null, serial: null, step: null, result: null, code: null, text: null, ...fields };
  }

  private wrap(entry: StationLogEntryView | null, tile: PortTileView | null, withCounts = false): StationEventView {
    return {
      runId: this.runId,
      batchId: this.batchId,
      phase: this.#phase,
      entry,
      tile,
      counts: withCounts ? this.#counts : null,
      throughputPerMinute: this.throughput(new Date()),
    };
  }
}

function blankTile(port: string, at: string): PortTileView {
  return {
    port,
    state: 'running',
    serial: null,
    step: null,
    progress: 0,
    attempt: 1,
    result: null,
    code: null,
    message: null,
    remedy: null,
    certificateSerial: null,
    updatedAt: at,
  };
}
