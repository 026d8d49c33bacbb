import type { BatchContext } from './batch-context.js';
import { logTransition, stationTransact } from './device-log.js';
import { failureOutcome, type DeviceOutcome } from './device-outcome.js';
import { serialDeviceOpener, type DeviceOpener, type OpenDeviceOptions } from './open-device.js';
import { provisionDevice } from './provision-device.js';
import type { StationRun } from './start-station.js';
import { STEP_PROGRESS } from './station-steps.js';

export interface PortRunOptions extends OpenDeviceOptions {
  /** attempts per port when a link fault is transient (default 3) */
  readonly maxAttempts?: number;
  /** how ports are opened (default: serial ports with the policy's driver) */
  readonly openDevice?: DeviceOpener;
}

/**
 * One port's state machine: opens the port, provisions the device on it (retrying from
 * identify after a transient link fault), closes the port. Never throws: every ending is
 * a DeviceOutcome. Shared by the port-list station and the auto station.
 */
export async function runPort(ctx: BatchContext, port: string, options: PortRunOptions, run: StationRun, progress: () => void): Promise<DeviceOutcome> {
  const open = options.openDevice ?? serialDeviceOpener(options);
  let session;
  try {
    session = await open(port, ctx.policy);
  } catch (e) {
    const outcome = failureOutcome(port, null, e);
    try {
      stationTransact(ctx, () =>
        logTransition(
          ctx,
          { port, serial: null, device: undefined, step: 'failed', code: outcome.code!, message: outcome.message ?? '' },
          new Date().toISOString(),
        ),
      );
    } catch (recordError) {
      return failureOutcome(port, null, recordError);
    }
    return outcome;
  }
  const maxAttempts = options.maxAttempts ?? 3;
  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = await provisionDevice(ctx, session.driver, port, {
        shouldStop: () => run.stopping,
        onStep: (e) => {
          run.publish({ type: 'step', progress: STEP_PROGRESS[e.step], ...e });
          if (e.step === 'issued' || e.step === 'done') progress();
        },
      });
      if (outcome.result === 'done' || !outcome.transient || attempt >= maxAttempts || run.stopping) return outcome;
      run.publish({ type: 'retry', port, attempt: attempt + 1, code: outcome.code ?? 'UNKNOWN' });
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** The batch's counters, or -1s when the workspace cannot be read (a run ending on a full disk still reports). */
export function safeCounts(ctx: BatchContext) {
  try {
    return ctx.batches.counts(ctx.batch.id);
  } catch {
    return { planned: ctx.batch.planned, quantity: ctx.batch.quantity, issued: -1, devicesIssued: -1, confirmed: -1, failed: -1, reworked: -1, refused: -1 };
  }
}
