import { EventEmitter } from 'node:events';
import type { SigningKey } from '../keys/signing-key.js';
import type { Workspace } from '../store/workspace.js';
import { prepareBatch } from './batch-context.js';
import { runPort, safeCounts, type PortRunOptions } from './run-port.js';
import type { StationEvent, StationSummary } from './station-events.js';

export interface StationOptions extends PortRunOptions {
  readonly workspace: Workspace;
  readonly batchId: string;
  /** one state machine per port, all at once */
  readonly ports: readonly string[];
  /** the issuing CA's key, unlocked once for the whole run */
  readonly caKey: SigningKey;
  /** the operator: who the audit log names */
  readonly actor: string;
  /** a Matter work order: where each device's label sheet is written (outside the workspace home) */
  readonly matterLabelDir?: string;
}

/**
 * A running station: an EventEmitter of 'event' (StationEvent) and an async iterable of
 * the same events from the start; `done` resolves with the summary once every port has
 * finished (or the run was stopped and in-flight devices finished their commits).
 */
export class StationRun extends EventEmitter<{ event: [StationEvent] }> {
  readonly #history: StationEvent[] = [];
  readonly #waiters = new Set<() => void>();
  #finished = false;
  #stopReason: string | null = null;
  done!: Promise<StationSummary>;

  get stopping(): boolean {
    return this.#stopReason !== null;
  }

  /** Starts nothing new: devices before key generation or signing end with STATION_STOPPED; devices past their commit finish. */
  stop(reason = 'stopped by the operator'): void {
    if (this.#stopReason !== null || this.#finished) return;
    this.#stopReason = reason;
    this.publish({ type: 'stopping', reason });
  }

  get stopReason(): string | null {
    return this.#stopReason;
  }

  /** @internal */
  publish(event: StationEvent): void {
    this.#history.push(event);
    if (event.type === 'finished') this.#finished = true;
    for (const wake of this.#waiters) wake();
    this.emit('event', event);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StationEvent> {
    let i = 0;
    for (;;) {
      while (i < this.#history.length) {
        const e = this.#history[i++]!;
        yield e;
        if (e.type === 'finished') return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }
}

/**
 * Starts one provisioning state machine per port, concurrently (promises, one thread: a
 * slow or failing device only ever waits on its own port). The batch is prepared first
 * (policy, CA, prepared issuer), so a closed batch or a key that is not the CA's fails
 * here, before any port is opened.
 */
export function startStation(options: StationOptions): StationRun {
  const ctx = prepareBatch(
    options.workspace,
    options.batchId,
    options.caKey,
    options.actor,
    options.matterLabelDir !== undefined ? { matterLabelDir: options.matterLabelDir } : {},
  );
  const run = new StationRun();
  const started = Date.now();
  run.done = (async () => {
    // Let the caller attach listeners before the first event.
    await new Promise((r) => setImmediate(r));
    const ports = [...new Set(options.ports)];
    run.publish({ type: 'started', batchId: ctx.batch.id, ports, counts: ctx.batches.counts(ctx.batch.id) });
    let portsDone = 0;
    const progress = () => run.publish({ type: 'progress', counts: safeCounts(ctx), portsDone, portsTotal: ports.length });
    const outcomes = await Promise.all(
      ports.map(async (port) => {
        const outcome = await runPort(ctx, port, options, run, progress);
        portsDone++;
        run.publish({ type: 'device', outcome });
        if (outcome.fatal) run.stop(`${outcome.code}: ${outcome.message}`);
        progress();
        return outcome;
      }),
    );
    const summary: StationSummary = { batchId: ctx.batch.id, outcomes, counts: safeCounts(ctx), stopped: run.stopReason, elapsedMs: Date.now() - started };
    run.publish({ type: 'finished', summary });
    return summary;
  })();
  return run;
}
