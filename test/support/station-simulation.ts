import { createHash } from 'node:crypto';
import { HallmarkPersonality, hallmarkPersonality } from '../../main/devices/hallmark/hallmark-personality.js';
import type { FaultMode, SimulatedTiming } from '../../main/devices/simulator/device-personality.js';
import { seededRandom } from '../../main/devices/simulator/prng.js';
import { SimulatedDevice } from '../../main/devices/simulator/simulated-device.js';
import { openSerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import { generateKeyObjectPair } from '../../main/keys/software/generate-key-pair.js';
import type { Workspace } from '../../main/store/workspace.js';

/**
 * A Hallmark reference device whose "secure element" (the personality: key, chain, lock)
 * outlives its cable: `plug()` puts it on a fresh PTY pair at the same station path, as a
 * technician re-seating a device that dropped. Its faults are a live set, so a test can
 * clear a cable fault (drop-mid-chain) before the device comes back.
 */
export class PluggableDevice {
  readonly faults: Set<FaultMode>;
  readonly personality: HallmarkPersonality;
  #device: SimulatedDevice | undefined;
  readonly #all: SimulatedDevice[] = [];

  private constructor(
    readonly dir: string,
    readonly name: string,
    readonly serial: string,
    personality: HallmarkPersonality,
    faults: Set<FaultMode>,
    readonly baudRate: number,
  ) {
    this.personality = personality;
    this.faults = faults;
  }

  static async create(options: {
    dir: string;
    name: string;
    serial: string;
    faults?: FaultMode[];
    timing?: Partial<SimulatedTiming>;
    baudRate?: number;
    model?: string;
  }): Promise<PluggableDevice> {
    const faults = new Set<FaultMode>(options.faults ?? []);
    const key = { algorithm: 'ecdsa-p256' as const, ...(await generateKeyObjectPair('ecdsa-p256')) };
    const personality = new HallmarkPersonality({
      index: 0,
      serial: options.serial,
      bogusSerial: hallmarkPersonality.bogusSerial,
      model: options.model ?? 'SIM1',
      faults,
      key,
      timing: { keygenMinMs: 10, keygenMaxMs: 40, stallMs: 1500, ...options.timing },
      random: seededRandom(options.name.length * 7919),
    });
    const d = new PluggableDevice(options.dir, options.name, options.serial, personality, faults, options.baudRate ?? 0);
    await d.plug();
    return d;
  }

  /** (Re)connects the device; resolves with the station-side path (the same every time). */
  async plug(): Promise<string> {
    if (this.#device !== undefined && !this.#device.gone) await this.#device.stop();
    // A re-plugged device reboots: an unfinished chain transfer is lost, key and chain are not.
    this.personality.onReset();
    this.#device = await SimulatedDevice.start({
      dir: this.dir,
      name: this.name,
      personality: this.personality,
      baudRate: this.baudRate,
      maxLineBytes: hallmarkPersonality.maxLineBytes ?? 1022,
    });
    this.#all.push(this.#device);
    return this.#device.stationPath;
  }

  get path(): string {
    return this.#device!.stationPath;
  }

  get gone(): boolean {
    return this.#device?.gone ?? true;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.#all.map((d) => d.stop()));
  }
}

/** What the device itself says it stores: SHA-256 of its chain (HM+READBACK?), or null without one. */
export async function deviceReadback(path: string): Promise<string | null> {
  const link = await openSerialLineLink(path, { baudRate: 115200 });
  try {
    link.discardInput();
    await link.writeLine('HM+READBACK?');
    for (;;) {
      const line = await link.readLine(2000);
      const m = /^\+READBACK: ([0-9a-f]{64}),/.exec(line);
      if (m) return m[1]!;
      if (line.startsWith('ERROR')) return null;
    }
  } finally {
    await link.close();
  }
}

/** SHA-256 of the chain the station writes for a certificate: the device's DER then the CA chain. */
export function chainDigest(deviceCertificate: Buffer, caChain: readonly Buffer[]): string {
  return createHash('sha256')
    .update(Buffer.concat([deviceCertificate, ...caChain]))
    .digest('hex');
}

/**
 * The records hold together after a run: no IDevID outside device_certificates, no
 * device with two active certificates, one `device.issued` per certificate row of the batch.
 */
export function recordsConsistent(ws: Workspace, batchId: string): { orphans: number; doubleActive: number; issuedEntries: number; certificates: number } {
  const one = (sql: string, ...args: unknown[]) => (ws.db.prepare(sql).get(...args) as { n: number }).n;
  return {
    orphans: one("SELECT COUNT(*) AS n FROM certificates WHERE profile = 'idevid' AND id NOT IN (SELECT certificate_id FROM device_certificates)"),
    doubleActive: one(
      "SELECT COUNT(*) AS n FROM (SELECT dc.device_id FROM device_certificates dc JOIN certificates c ON c.id = dc.certificate_id WHERE c.status = 'active' AND dc.batch_id = ? GROUP BY dc.device_id HAVING COUNT(*) > 1)",
      batchId,
    ),
    issuedEntries: one("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'device.issued' AND subject LIKE ? || '/%'", batchId),
    certificates: one('SELECT COUNT(*) AS n FROM device_certificates WHERE batch_id = ?', batchId),
  };
}
