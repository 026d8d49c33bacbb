import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../main/devices/simulator/simulator.js';

/** Device timings short enough for protocol tests, with a stall long enough to be told apart. */
export const FAST_TIMING = { keygenMinMs: 5, keygenMaxMs: 20, stallMs: 1500 };

/**
 * The simulator for driver tests: fast timings on unthrottled PTYs, and a personality that
 * throws fails the test instead of being logged, since a simulator bug would otherwise
 * pass as a device fault. Every simulator started is added to `started`, for afterAll.
 * Each gets its own folder under `dir`: links are named by device number, so two
 * simulators sharing a folder would take each other's links.
 */
export async function startTestSimulator(
  started: RunningSimulator[],
  options: Omit<SimulatorOptions, 'onError' | 'timing' | 'baudRate'>,
): Promise<RunningSimulator> {
  const sim = await startSimulator({
    timing: FAST_TIMING,
    baudRate: 0,
    ...options,
    dir: mkdtempSync(join(options.dir, 'sim-')),
    onError: (n, e) => {
      throw new Error(`device ${n} personality failed: ${String(e)}`);
    },
  });
  started.push(sim);
  return sim;
}
