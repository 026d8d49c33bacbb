import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HallmarkPersonality, hallmarkPersonality } from '../main/devices/hallmark/hallmark-personality.js';
import type { DeviceDriver, LineLink } from '../main/devices/line-link.js';
import type { DeviceIo, DevicePersonality, SimulatedKey, SimulatedTiming } from '../main/devices/simulator/device-personality.js';
import { seededRandom } from '../main/devices/simulator/prng.js';
import { SimulatedDevice } from '../main/devices/simulator/simulated-device.js';
import { openSerialLineLink } from '../main/devices/serial/serial-line-link.js';
import { generateKeyObjectPair } from '../main/keys/software/generate-key-pair.js';
import type { SyncSigningKey } from '../main/keys/signing-key.js';
import { driverFor, type DeviceOpener } from '../main/station/open-device.js';
import type { ProductPolicy } from '../main/station/product-policy-schema.js';
import type { Workspace } from '../main/store/workspace.js';
import { makeBatch, STATION_POLICY, stationWorkspace } from '../test/support/station-fixture.js';
import { tempDir } from '../test/support/temp-dir.js';

/** The bench product: the station test policy with six-digit serials, so a run can plan thousands. */
export const BENCH_POLICY = STATION_POLICY.replace("serialPattern: 'HM-SIM1-[0-9]{4}'", "serialPattern: 'BN-[0-9]{6}'");

/** The same product without the Azure DPS CN-uniqueness lint (which scans the certificates table). */
export const BENCH_POLICY_NO_CN_LINT = BENCH_POLICY.replace('  uniqueCommonName: true\n', '  uniqueCommonName: false\n');

export const benchSerial = (n: number): string => `BN-${String(n).padStart(6, '0')}`;

export interface BenchStation {
  readonly ws: Workspace;
  readonly caKey: SyncSigningKey;
  readonly caChain: Buffer[];
  readonly dir: string;
  /** a new open work order over serials [first, first + count) */
  batch(id: string, first: number, count: number, policy?: string): void;
  dispose(): void;
}

/** A workspace with a root and the `mfg` CA (software keys) in a temp dir: the station's records on this machine's disk. */
export async function benchStation(prefix: string): Promise<BenchStation> {
  const dir = tempDir(prefix);
  const { ws, caKey, caChain } = await stationWorkspace(join(dir.path, 'ws'));
  return {
    ws,
    caKey,
    caChain,
    dir: dir.path,
    batch(id, first, count, policy = BENCH_POLICY) {
      makeBatch(ws, id, `${benchSerial(first)}..${benchSerial(first + count - 1)}`, count, policy);
    },
    dispose() {
      caKey.close();
      ws.close();
      dir.dispose();
    },
  };
}

/**
 * A fixture socket: the PTY (the port) stays, the device in it is swapped. Between
 * timed runs a bench puts a fresh blank device (new serial, new key) into every slot
 * without restarting socat, as a technician swaps boards in a bed of nails.
 */
class SocketPersonality implements DevicePersonality {
  current: DevicePersonality | undefined;
  handleLine(line: string, io: DeviceIo): Promise<void> {
    return this.current ? this.current.handleLine(line, io) : io.writeLine('ERROR INTERNAL');
  }
  handleBadLine(reason: 'LINK_GARBAGE' | 'LINK_LINE_TOO_LONG', io: DeviceIo): Promise<void> {
    return this.current?.handleBadLine ? this.current.handleBadLine(reason, io) : io.writeLine('ERROR SYNTAX');
  }
  onReset(): void {
    this.current?.onReset?.();
  }
}

export interface FixtureSockets {
  /** the station-side port of each socket */
  readonly ports: readonly string[];
  /** Puts fresh blank devices with serials first, first+1, … into the sockets (keys made beforehand by `prepareKeys`). */
  insert(first: number): void;
  /** Makes the keys for the next `n` inserts ahead of time (key generation is not what is measured). */
  prepareKeys(n: number): Promise<void>;
  stop(): Promise<void>;
}

export async function fixtureSockets(dir: string, count: number, options: { baudRate: number; timing: SimulatedTiming }): Promise<FixtureSockets> {
  const sockets: SocketPersonality[] = [];
  const devices: SimulatedDevice[] = [];
  const keys: SimulatedKey[] = [];
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const socket = new SocketPersonality();
    sockets.push(socket);
    devices.push(
      await SimulatedDevice.start({
        dir,
        name: `s${i + 1}`,
        personality: socket,
        baudRate: options.baudRate,
        maxLineBytes: hallmarkPersonality.maxLineBytes ?? 1022,
      }),
    );
  }
  return {
    ports: devices.map((d) => d.stationPath),
    async prepareKeys(n) {
      while (keys.length < n) keys.push({ algorithm: 'ecdsa-p256', ...(await generateKeyObjectPair('ecdsa-p256')) });
    },
    insert(first) {
      sockets.forEach((socket, i) => {
        const key = keys.shift();
        if (key === undefined) throw new Error('fixtureSockets: prepareKeys() first');
        socket.current = new HallmarkPersonality({
          index: i,
          serial: benchSerial(first + i),
          bogusSerial: 'BN-999999',
          model: 'SIM1',
          faults: new Set(),
          key,
          timing: options.timing,
          random: seededRandom(first + i),
        });
      });
    },
    async stop() {
      await Promise.allSettled(devices.map((d) => d.stop()));
    },
  };
}

/** Bytes each way, counted at the line level as a UART would carry them (each line plus CR LF). */
export interface WireCount {
  toDevice: number;
  fromDevice: number;
}

/** A LineLink that counts what crosses it. */
export function countingLink(link: LineLink, count: WireCount): LineLink {
  return {
    async writeLine(line) {
      count.toDevice += Buffer.byteLength(line, 'latin1') + 2;
      return link.writeLine(line);
    },
    async readLine(timeoutMs) {
      const line = await link.readLine(timeoutMs);
      count.fromDevice += Buffer.byteLength(line, 'latin1') + 2;
      return line;
    },
    discardInput: () => link.discardInput(),
    close: () => link.close(),
    get isOpen() {
      return link.isOpen;
    },
  };
}

/** The station's serial opener with the policy's driver, counting the bytes of every exchange. */
export function countingOpener(count: WireCount, stepTimeoutMs: number): DeviceOpener {
  return async (port: string, policy: ProductPolicy) => {
    const link = await openSerialLineLink(port, { baudRate: 115200 });
    const driver: DeviceDriver = driverFor(countingLink(link, count), policy, stepTimeoutMs);
    return { driver, close: () => link.close() };
  };
}

/** Seconds a line needs for `bytes` at `baud` with 8N1 framing (10 bits a byte). */
export function wireMs(bytes: number, baud: number): number {
  return (bytes * 10 * 1000) / baud;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const nonce16 = (): Buffer => randomBytes(16);
