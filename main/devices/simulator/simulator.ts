import { generateKeyObjectPair } from '../../keys/software/generate-key-pair.js';
import type { KeyAlgorithm } from '../../keys/key-algorithm.js';
import { InvalidInputError } from '../../errors/hallmark-error.js';
import type { FaultMode, SimulatedKey, SimulatedTiming } from './device-personality.js';
import { assignFaults, type FaultSpec } from './fault-spec.js';
import { personalities } from './personalities.js';
import { seededRandom } from './prng.js';
import { SimulatedDevice } from './simulated-device.js';
import type { CsrQuirk } from './simulated-csr.js';

export interface SimulatorOptions {
  /** where the PTY links are made (the caller owns the directory) */
  readonly dir: string;
  readonly count: number;
  readonly protocol: string;
  readonly model?: string;
  /** the first device's serial counter (default 1) */
  readonly serialStart?: number;
  readonly faults?: readonly FaultSpec[];
  readonly seed?: number;
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly timing?: Partial<SimulatedTiming>;
  /** output pacing, bits per second (default 115200; 0 = as fast as the PTY goes) */
  readonly baudRate?: number;
  readonly bogusSerial?: string;
  /** Hallmark protocol devices write their CSRs as this firmware stack does */
  readonly csrQuirk?: CsrQuirk;
  /** Hallmark protocol devices run their Matter mode (docs/device-protocol.md §8) */
  readonly matter?: boolean;
  readonly onError?: (device: number, err: unknown) => void;
}

export interface SimulatedDeviceInfo {
  /** the station-side port */
  readonly path: string;
  readonly serial: string;
  readonly protocol: string;
  readonly model: string;
  readonly faults: readonly FaultMode[];
}

export interface RunningSimulator {
  readonly devices: readonly SimulatedDeviceInfo[];
  /** the running devices, in the same order */
  readonly handles: readonly SimulatedDevice[];
  /** Stops every device and kills every socat. */
  stop(): Promise<void>;
}

export const DEFAULT_TIMING: SimulatedTiming = { keygenMinMs: 200, keygenMaxMs: 800, stallMs: 60_000 };

/** Starts `count` devices of one protocol, each on its own PTY pair. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const descriptor = personalities[options.protocol];
  if (descriptor === undefined) {
    throw new InvalidInputError(`unknown device protocol "${options.protocol}" (known: ${Object.keys(personalities).join(', ')})`);
  }
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 256) {
    throw new InvalidInputError(`--count must be 1 to 256, not ${options.count}`);
  }
  const seed = options.seed ?? 1;
  const runRandom = seededRandom(seed);
  const faults = assignFaults(options.faults ?? [], options.count, runRandom);
  const model = options.model ?? descriptor.defaultModel;
  const algorithm = options.keyAlgorithm ?? descriptor.defaultKeyAlgorithm ?? 'ecdsa-p256';
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const serialStart = options.serialStart ?? 1;

  const keys: SimulatedKey[] = [];
  for (let i = 0; i < options.count; i++) keys.push({ algorithm, ...(await generateKeyObjectPair(algorithm)) });
  // A duplicate-key device holds the key of another device of the run (the first, or the second for the first).
  faults.forEach((f, i) => {
    if (f.has('duplicate-key') && options.count > 1) keys[i] = keys[i === 0 ? 1 : 0]!;
  });

  const handles: SimulatedDevice[] = [];
  const devices: SimulatedDeviceInfo[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const serial = descriptor.formatSerial(model, serialStart + i);
      const personality = descriptor.create({
        index: i,
        serial,
        bogusSerial: options.bogusSerial ?? descriptor.bogusSerial,
        model,
        faults: faults[i]!,
        key: keys[i]!,
        timing,
        random: seededRandom((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0),
        ...(options.csrQuirk !== undefined ? { csrQuirk: options.csrQuirk } : {}),
        ...(options.matter ? { matter: true } : {}),
      });
      const device = await SimulatedDevice.start({
        dir: options.dir,
        name: String(i + 1),
        personality,
        baudRate: options.baudRate ?? 115200,
        maxLineBytes: descriptor.maxLineBytes ?? 1022,
        onError: (e) => options.onError?.(i + 1, e),
      });
      handles.push(device);
      devices.push({ path: device.stationPath, serial, protocol: options.protocol, model, faults: [...faults[i]!] });
    }
  } catch (e) {
    await Promise.allSettled(handles.map((h) => h.stop()));
    throw e;
  }
  return {
    devices,
    handles,
    stop: async () => {
      await Promise.allSettled(handles.map((h) => h.stop()));
    },
  };
}
