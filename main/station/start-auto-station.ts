import type { SerialPortInfo } from '../devices/serial/list-serial-ports.js';
import { watchSerialPorts } from '../devices/serial/serial-port-watcher.js';
import { prepareBatch, type BatchContext } from './batch-context.js';
import { failureOutcome, type DeviceOutcome } from './device-outcome.js';
import { fixturePortSource } from './fixture-ports.js';
import { runPort, safeCounts } from './run-port.js';
import { StationRun, type StationOptions } from './start-station.js';
import type { StationSummary } from './station-events.js';

/**
 * When an auto station stops by itself (without it, it runs until `stop()`):
 * - `quota`: once the work order has as many confirmed devices as its quantity — a device
 *   committed but not confirmed (dropped mid-chain) still holds its slot, so the station
 *   waits for it to come back rather than stop with the work order unfinished;
 * - `devices`: once this run has brought `count` devices to done.
 */
export type UntilDone = { readonly kind: 'quota' } | { readonly kind: 'devices'; readonly count: number };

export interface AutoStationOptions extends Omit<StationOptions, 'ports'> {
  /** fixture ports are the character devices matching this pattern (PTYs, udev links); default: USB ports with the policy's fixture ids */
  readonly portGlob?: string;
  /** how often the ports are listed (default 500 ms) */
  readonly pollIntervalMs?: number;
  readonly untilDone?: UntilDone;
  /** replaces SerialPort.list() (tests) */
  readonly listUsbPorts?: () => Promise<SerialPortInfo[]>;
}

/**
 * The hands-free station: watches the fixture's ports and runs one state machine per
 * port that appears — the technician only plugs and unplugs devices. A port that goes
 * away and comes back (a device swapped in the fixture) gets a fresh machine for the new
 * device; a port whose machine is still running is never started twice (a swap seen
 * before the old machine ended starts the new one right after it, if the port is still
 * there). A device left in the fixture after it ended is not run again until it is
 * re-plugged. Runs until `stop()` (or `untilDone`); stopping ends as `startStation()`
 * does: nothing new starts, devices past their commit finish.
 *
 * Fails before any port is watched when the batch is closed, the key is not the CA's, or
 * the policy names no fixture and no pattern was given (FIXTURE_NOT_DEFINED).
 */
export function startAutoStation(options: AutoStationOptions): StationRun {
  const ctx = prepareBatch(
    options.workspace,
    options.batchId,
    options.caKey,
    options.actor,
    options.matterLabelDir !== undefined ? { matterLabelDir: options.matterLabelDir } : {},
  );
  const source = fixturePortSource(ctx.policy, {
    ...(options.portGlob !== undefined ? { portGlob: options.portGlob } : {}),
    ...(options.listUsbPorts !== undefined ? { listUsbPorts: options.listUsbPorts } : {}),
  });
  const run = new StationRun();
  const started = Date.now();
  run.done = (async () => {
    // Let the caller attach listeners before the first event.
    await new Promise((r) => setImmediate(r));
    run.publish({ type: 'started', batchId: ctx.batch.id, ports: [], counts: ctx.batches.counts(ctx.batch.id) });

    const outcomes: DeviceOutcome[] = [];
    /** the machine running on each port */
    const active = new Map<string, Promise<void>>();
    /** ports present now */
    const present = new Set<string>();
    /** ports that were swapped while their machine was still on the old device */
    const swapped = new Set<string>();
    let machines = 0;
    let devicesDone = 0;
    const progress = () => run.publish({ type: 'progress', counts: safeCounts(ctx), portsDone: outcomes.length, portsTotal: machines });
    const checkDone = () => {
      const reason = doneReason(ctx, options.untilDone, devicesDone);
      if (reason !== null) run.stop(reason);
    };

    const start = (port: string): void => {
      if (run.stopping || active.has(port)) return;
      machines++;
      const machine = (async () => {
        let outcome: DeviceOutcome;
        try {
          outcome = await runPort(ctx, port, options, run, progress);
        } catch (e) {
          // runPort records every ending itself; this is a listener that threw.
          outcome = failureOutcome(port, null, e);
        }
        outcomes.push(outcome);
        if (outcome.result === 'done') devicesDone++;
        run.publish({ type: 'device', outcome });
        if (outcome.fatal) run.stop(`${outcome.code}: ${outcome.message}`);
        progress();
        checkDone();
      })().finally(() => {
        active.delete(port);
        if (swapped.delete(port) && present.has(port)) start(port);
      });
      active.set(port, machine);
    };

    checkDone();
    const watcher = watchSerialPorts({
      intervalMs: options.pollIntervalMs ?? 500,
      list: () => source.list(),
      // The watcher reports removals before additions, so a swap between two polls is removed + added here too.
      onRemoved: (p) => {
        present.delete(p.path);
        swapped.delete(p.path);
        run.publish({ type: 'port', port: p.path, change: 'removed' });
      },
      onAdded: (p) => {
        present.add(p.path);
        run.publish({ type: 'port', port: p.path, change: 'added' });
        if (run.stopping) return;
        if (active.has(p.path)) swapped.add(p.path);
        else start(p.path);
      },
      onError: (e) => run.publish({ type: 'port-watch-failed', message: (e as Error)?.message ?? String(e) }),
    });

    await untilStopping(run);
    watcher.stop();
    // A machine that ends may start its port's next device only while not stopping, so this drains.
    while (active.size > 0) await Promise.all(active.values());
    const summary: StationSummary = { batchId: ctx.batch.id, outcomes, counts: safeCounts(ctx), stopped: run.stopReason, elapsedMs: Date.now() - started };
    run.publish({ type: 'finished', summary });
    return summary;
  })();
  return run;
}

function doneReason(ctx: BatchContext, until: UntilDone | undefined, devicesDone: number): string | null {
  if (until === undefined) return null;
  if (until.kind === 'devices') return devicesDone >= until.count ? `done: ${devicesDone} device${devicesDone === 1 ? '' : 's'} provisioned` : null;
  const counts = safeCounts(ctx);
  return counts.confirmed >= counts.quantity ? `done: work order ${ctx.batch.id} complete (${counts.confirmed} of ${counts.quantity} confirmed)` : null;
}

function untilStopping(run: StationRun): Promise<void> {
  return new Promise((resolve) => {
    if (run.stopping) return resolve();
    const on = (e: { type: string }) => {
      if (e.type !== 'stopping') return;
      run.off('event', on);
      resolve();
    };
    run.on('event', on);
  });
}
