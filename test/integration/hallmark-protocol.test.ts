import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFromCsr } from '../../main/ca/issue-from-csr.js';
import { DeviceError } from '../../main/devices/device-errors.js';
import { HallmarkProtocolDriver } from '../../main/devices/hallmark/hallmark-driver.js';
import type { ChainToWrite } from '../../main/devices/line-link.js';
import { openSerialLineLink, type SerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import type { FaultMode } from '../../main/devices/simulator/device-personality.js';
import type { FaultSpec } from '../../main/devices/simulator/fault-spec.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseCsr } from '../../main/x509/csr/parse-csr.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { HW_TYPE_TPM2 } from '../../main/x509/profiles/idevid-profile.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { tempDir } from '../support/temp-dir.js';
import { FAST_TIMING, startTestSimulator } from '../support/test-simulator.js';

const tmp = tempDir('hallmark-hmproto-');
const simulators: RunningSimulator[] = [];
const links: SerialLineLink[] = [];
let ws: Workspace;
let caKey: SyncSigningKey;
let caChain: Buffer[];

const TIMEOUTS = { identMs: 500, keygenMs: 600, csrMs: 1000, chainMs: 1000, readbackMs: 1000, lockMs: 1000 };

beforeAll(async () => {
  ({ ws, caKey, caChain } = await stationWorkspace(`${tmp.path}/ws`));
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await Promise.all(simulators.map((s) => s.stop()));
  ws?.close();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function simulate(count: number, faults: FaultSpec[] = [], extra: { bogusSerial?: string } = {}): Promise<RunningSimulator> {
  return startTestSimulator(simulators, { dir: tmp.path, count, protocol: 'hallmark', faults, seed: 7, ...extra });
}

async function driverFor(path: string): Promise<HallmarkProtocolDriver> {
  const link = await openSerialLineLink(path, { baudRate: 115200 });
  links.push(link);
  return new HallmarkProtocolDriver(link, { timeouts: TIMEOUTS });
}

/** The station's whole exchange with one device: identify, CSR, issue, write, lock. */
async function provision(driver: HallmarkProtocolDriver): Promise<{ serial: string; spkiSha256: string; chain: ChainToWrite }> {
  const identity = await driver.identify();
  const nonce = randomBytes(16);
  const subject = `O=Acme,CN=widget-${identity.hardwareSerial},serialNumber=${identity.hardwareSerial}`;
  const csr = await driver.requestCsr({ subject, nonce });
  const parsed = parseCsr(csr.der);
  expect(parsed.challengePassword).toBe(nonce.toString('hex'));
  const issued = await issueFromCsr(ws, {
    ca: 'mfg',
    caKey,
    csr: parsed,
    profile: 'idevid',
    subject: parseSubject(subject),
    validity: 'no-expiration',
    idevid: { hardwareModuleName: { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from(identity.hardwareSerial) } },
    actor: 'station-1',
  });
  const chain = { deviceCertificate: issued.signed.certificate.der, caCertificates: caChain };
  await driver.writeChain(chain);
  await driver.lock();
  return { serial: identity.hardwareSerial, spkiSha256: parsed.publicKey.spkiSha256, chain };
}

async function failure(p: Promise<unknown>): Promise<DeviceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceError);
    return e as DeviceError;
  }
  throw new Error('expected a DeviceError, but the exchange succeeded');
}

describe('the Hallmark protocol between the station driver and a simulated device', () => {
  it('identifies, gets a CSR bound to the nonce, writes a real chain, reads it back and locks', async () => {
    const sim = await simulate(1);
    const driver = await driverFor(sim.devices[0]!.path);
    const before = await driver.identify();
    expect(before).toEqual({
      protocol: 'hallmark',
      model: 'SIM1',
      hardwareSerial: 'HM-SIM1-0001',
      firmware: '1.4.2',
      protocolVersion: '1',
      provisioningState: 'blank',
    });
    const result = await provision(driver);
    expect(result.chain.deviceCertificate.length).toBeGreaterThan(300);
    expect((await driver.identify()).provisioningState).toBe('locked');
    // A locked device refuses to be keyed again.
    const locked = await failure(driver.requestCsr({ subject: 'CN=x', nonce: randomBytes(16) }));
    expect(locked.code).toBe('DEVICE_ERROR_RESPONSE');
    expect(locked.details).toMatchObject({ deviceCode: 'LOCKED' });
  });

  it.each([
    ['ecdsa-p384', 'p384'],
    ['rsa-2048', 'rsa2048'],
  ] as const)('works with a %s device key, paced at a baud rate (an RSA CSR spans several +CSR chunks)', async (algorithm, wire) => {
    const sim = await startSimulator({
      dir: mkdtempSync(join(tmp.path, 'sim-')),
      count: 1,
      protocol: 'hallmark',
      timing: FAST_TIMING,
      baudRate: 460_800,
      keyAlgorithm: algorithm,
    });
    simulators.push(sim);
    const link = await openSerialLineLink(sim.devices[0]!.path, { baudRate: 460_800 });
    links.push(link);
    const driver = new HallmarkProtocolDriver(link, { timeouts: TIMEOUTS, keyAlgorithm: wire });
    const result = await provision(driver);
    expect(result.serial).toBe('HM-SIM1-0001');
    expect(driver.lastCsr?.publicKey.algorithm).toBe(algorithm);
    if (algorithm === 'rsa-2048') expect(driver.lastCsr!.der.length).toBeGreaterThan(384);
  });

  it('a device asked for a key algorithm its secure element does not make answers ERROR UNSUPPORTED_ALG', async () => {
    const sim = await simulate(1);
    const link = await openSerialLineLink(sim.devices[0]!.path, { baudRate: 115200 });
    links.push(link);
    const driver = new HallmarkProtocolDriver(link, { timeouts: TIMEOUTS, keyAlgorithm: 'ed25519' });
    const err = await failure(driver.requestCsr({ subject: 'CN=x', nonce: randomBytes(16) }));
    expect(err.code).toBe('DEVICE_ERROR_RESPONSE');
    expect(err.details).toMatchObject({ deviceCode: 'UNSUPPORTED_ALG', command: 'HM+KEYGEN' });
  });

  const FAULTS: { mode: FaultMode; code: string; at: string; deviceCode?: string }[] = [
    { mode: 'drop-mid-csr', code: 'LINK_CLOSED', at: 'csr' },
    { mode: 'drop-mid-chain', code: 'LINK_CLOSED', at: 'chain' },
    { mode: 'garbage', code: 'LINK_GARBAGE', at: 'identify' },
    { mode: 'reset', code: 'DEVICE_RESET', at: 'csr' },
    { mode: 'bad-signature', code: 'DEVICE_CSR_INVALID', at: 'csr' },
    { mode: 'stale-nonce', code: 'DEVICE_NONCE_MISMATCH', at: 'csr' },
    { mode: 'corrupt-chain', code: 'DEVICE_READBACK_MISMATCH', at: 'chain' },
    { mode: 'stall', code: 'LINK_TIMEOUT', at: 'csr' },
    { mode: 'wrong-response', code: 'DEVICE_UNEXPECTED_RESPONSE', at: 'csr' },
    { mode: 'junk-csr', code: 'DEVICE_CSR_INVALID', at: 'csr' },
    { mode: 'bad-base64', code: 'DEVICE_BAD_PAYLOAD', at: 'csr' },
  ];

  it.each(FAULTS)('fault $mode ends the exchange with $code during $at', async ({ mode, code, at }) => {
    const sim = await simulate(1, [{ mode, target: { kind: 'all' } }]);
    const driver = await driverFor(sim.devices[0]!.path);
    const err = await failure(provision(driver));
    expect(err.code).toBe(code);
    const command = err.details?.command;
    expect({ csr: ['HM+KEYGEN', 'HM+CSR'], chain: ['HM+CHAIN', 'HM+READBACK?'], identify: ['HM+IDENT'] }[at]).toContain(command);
  });

  it('recovers after transient faults: a retry after garbage, a reset or a stall succeeds on the same link', async () => {
    const sim = await simulate(3, [
      { mode: 'garbage', target: { kind: 'device', number: 1 } },
      { mode: 'reset', target: { kind: 'device', number: 2 } },
      { mode: 'stall', target: { kind: 'device', number: 3 } },
    ]);
    await Promise.all(
      sim.devices.map(async (d) => {
        const driver = await driverFor(d.path);
        await failure(provision(driver));
        // The stalled device answers late; the driver resynchronizes past that answer.
        const again = await retry(() => provision(driver), 4);
        expect(again.serial).toBe(d.serial);
      }),
    );
  });

  it('duplicate-key and bogus-serial devices complete the protocol, and the station can tell (same key, serial outside the plan)', async () => {
    const sim = await simulate(
      3,
      [
        { mode: 'duplicate-key', target: { kind: 'device', number: 2 } },
        { mode: 'bogus-serial', target: { kind: 'device', number: 3 } },
      ],
      { bogusSerial: 'HM-ROGUE-9999' },
    );
    const results = await Promise.all(sim.devices.map(async (d) => provision(await driverFor(d.path))));
    expect(results[1]!.spkiSha256).toBe(results[0]!.spkiSha256);
    expect(results[2]!.spkiSha256).not.toBe(results[0]!.spkiSha256);
    expect(results.map((r) => r.serial)).toEqual(['HM-SIM1-0001', 'HM-SIM1-0002', 'HM-ROGUE-9999']);
  });

  it('four devices at once, two of them faulty: the good two provision, the bad two fail with their codes', async () => {
    const sim = await simulate(4, [
      { mode: 'drop-mid-chain', target: { kind: 'device', number: 2 } },
      { mode: 'stale-nonce', target: { kind: 'device', number: 4 } },
    ]);
    const outcomes = await Promise.allSettled(sim.devices.map(async (d) => provision(await driverFor(d.path))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as DeviceError).code : 'ok'))).toEqual([
      'ok',
      'LINK_CLOSED',
      'ok',
      'DEVICE_NONCE_MISMATCH',
    ]);
    expect(sim.handles.map((h) => h.gone)).toEqual([false, true, false, false]);
  });

  it('refuses what the driver gets from a device that does not speak the protocol', async () => {
    const sim = await simulate(1);
    const link = await openSerialLineLink(sim.devices[0]!.path, { baudRate: 115200 });
    links.push(link);
    // Talking to it raw: an unknown command, an overlong line, binary noise.
    await link.writeLine('AT+CGSN');
    expect(await link.readLine(1000)).toBe('ERROR UNKNOWN_COMMAND');
    await link.writeLine(`HM+CSR=${'A'.repeat(1100)}`);
    expect(await link.readLine(1000)).toBe('ERROR LINE_TOO_LONG');
    await link.writeRaw(Buffer.from([0x48, 0x4d, 0x00, 0xfe, 0x0d, 0x0a]));
    expect(await link.readLine(1000)).toBe('ERROR SYNTAX');
    await link.writeLine('HM+CHAIN=DATA,1,AAAA');
    expect(await link.readLine(1000)).toBe('ERROR SEQUENCE');
  });
});

async function retry<T>(fn: () => Promise<T>, attempts: number): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}
