import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HallmarkProtocolDriver } from '../main/devices/hallmark/hallmark-driver.js';
import type { DeviceIdentity } from '../main/devices/line-link.js';
import { openSerialLineLink } from '../main/devices/serial/serial-line-link.js';
import { makeSimulatedCsr } from '../main/devices/simulator/simulated-csr.js';
import { generateKeyObjectPair } from '../main/keys/software/generate-key-pair.js';
import { checkCsr, decideKey } from '../main/station/accept-csr.js';
import { prepareBatch, type BatchContext } from '../main/station/batch-context.js';
import { checkPlan } from '../main/station/check-plan.js';
import { stationTransact } from '../main/station/device-log.js';
import { issueDeviceCertificate } from '../main/station/issue-device-certificate.js';
import { provisionDevice } from '../main/station/provision-device.js';
import { startStation } from '../main/station/start-station.js';
import { deviceHardwareModuleName, deviceSubject, subjectText } from '../main/station/subject-template.js';
import { parseDer } from '../main/x509/der/der-reader.js';
import { encodeName } from '../main/x509/distinguished-name.js';
import { FakeDevice } from '../test/support/station-fixture.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';
import { tpmIssuanceCases } from './station-tpm-issuance.js';
import {
  BENCH_POLICY_NO_CN_LINT,
  benchSerial,
  benchStation,
  countingLink,
  fixtureSockets,
  wireMs,
  type BenchStation,
  type FixtureSockets,
  type WireCount,
} from './station-fixture.js';

/**
 * The factory station (docs/station.md), three questions:
 *  1. station-device-115200: what does the station add per device on top of the exchange
 *     itself? One simulated Hallmark device on a PTY paced at 115200 baud (keygen instant),
 *     the bare protocol (driver only) against the whole state machine on the same link.
 *  2. station-ports: devices provisioned per minute with 1, 8 and 32 simulated ports at
 *     115200 baud with the simulator's default secure-element keygen of 200–800 ms.
 *  3. station-pipeline: certificates per second through the station's pipeline (plan and
 *     CSR checks, key decision, sign, commit to SQLite), against the raw signature rate of
 *     the same CA key in the same run.
 *  4. station-issuance-tpm: the station's issuance with the CA key on a TPM 2.0 (swtpm and
 *     tpm2-pkcs11), against the same issuance with a software key (station-tpm-issuance.ts).
 */

const BAUD = 115200;
const INSTANT = { keygenMinMs: 0, keygenMaxMs: 0, stallMs: 1000 };
const SECURE_ELEMENT = { keygenMinMs: 200, keygenMaxMs: 800, stallMs: 1000 };
const STEP_TIMEOUT = 5000;

const station = sharedFixture(
  () => benchStation('hallmark-bench-station-'),
  (s) => s.dispose(),
);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

// ── 1. per-device overhead against the wire ─────────────────────────────────────────────

interface WireState {
  st: BenchStation;
  ctx: BatchContext;
  sockets: FixtureSockets;
  next: number;
  /** a device certificate + CA chain as the station writes them, for the bare protocol */
  chain: { deviceCertificate: Buffer; caCertificates: Buffer[] };
  count: WireCount;
  times: { bare: number[]; station: number[] };
  bytes: { bare: WireCount[]; station: WireCount[] };
}
let wire: WireState | undefined;
const WIRE_DEVICES = 80;

const wireState = sharedFixture(
  async (): Promise<WireState> => {
    const st = await station();
    st.batch('WO-WIRE', 1, WIRE_DEVICES);
    const ctx = prepareBatch(st.ws, 'WO-WIRE', st.caKey, 'bench');
    const sockets = await fixtureSockets(join(st.dir, 'wire'), 1, { baudRate: BAUD, timing: INSTANT });
    await sockets.prepareKeys(WIRE_DEVICES);
    const s: WireState = {
      st,
      ctx,
      sockets,
      next: 1,
      chain: { deviceCertificate: Buffer.alloc(0), caCertificates: st.caChain },
      count: { toDevice: 0, fromDevice: 0 },
      times: { bare: [], station: [] },
      bytes: { bare: [], station: [] },
    };
    // One real provisioning makes the certificate the bare protocol writes (same size as every other).
    sockets.insert(s.next++);
    const out = await provisionOnce(s);
    if (out !== 'done') throw new Error(`bench: the first station provisioning failed: ${out}`);
    s.chain.deviceCertificate = st.ws.db.prepare('SELECT der FROM certificates ORDER BY id DESC LIMIT 1').pluck().get() as Buffer;
    return s;
  },
  (s) => s.sockets.stop(),
);

async function provisionOnce(s: WireState, count?: WireCount): Promise<string> {
  const raw = await openSerialLineLink(s.sockets.ports[0]!, { baudRate: BAUD });
  try {
    const link = count ? countingLink(raw, count) : raw;
    const driver = new HallmarkProtocolDriver(link, {
      timeouts: { identMs: STEP_TIMEOUT, keygenMs: STEP_TIMEOUT, csrMs: STEP_TIMEOUT, chainMs: STEP_TIMEOUT, readbackMs: STEP_TIMEOUT, lockMs: STEP_TIMEOUT },
    });
    const outcome = await provisionDevice(s.ctx, driver, s.sockets.ports[0]!);
    return outcome.result === 'done' ? 'done' : `${outcome.code}: ${outcome.message}`;
  } finally {
    await raw.close();
  }
}

function reportWire(s: WireState): void {
  const per = (xs: WireCount[]) => ({ to: median(xs.map((x) => x.toDevice)), from: median(xs.map((x) => x.fromDevice)) });
  const b = per(s.bytes.bare);
  const t = per(s.bytes.station);
  const bare = median(s.times.bare);
  const full = median(s.times.station);
  console.log(
    `\n  station-device-115200: bytes per device ${t.to} to the device + ${t.from} from it (bare protocol: ${b.to} + ${b.from}); ` +
      `wire time at ${BAUD} 8N1: ${wireMs(t.to + t.from, BAUD).toFixed(1)} ms both ways, ${wireMs(t.from, BAUD).toFixed(1)} ms device→station (what the simulator paces); ` +
      `median per device: bare protocol ${bare.toFixed(1)} ms, station ${full.toFixed(1)} ms, station overhead ${(full - bare).toFixed(1)} ms = ${((full - bare) / wireMs(t.to + t.from, BAUD)).toFixed(2)}× the wire time`,
  );
}

// ── 2. devices per minute, 1 / 8 / 32 ports ─────────────────────────────────────────────

function portsCase(n: number, baseline: boolean, iterations: number) {
  let sockets: FixtureSockets | undefined;
  let st: BenchStation | undefined;
  let next = 0;
  const first = 100_000 * (n === 1 ? 1 : n === 8 ? 2 : 3);
  const waves = iterations + 1;
  return {
    group: 'station-ports',
    name: `${n} port${n === 1 ? '' : 's'}, 115200 baud, keygen 200–800 ms`,
    ...(baseline ? { baseline: true } : {}),
    description: `devices provisioned per second (×60 = per minute) by one startStation() run over ${n} simulated Hallmark devices on PTYs, output paced at 115200 baud, secure-element keygen 200–800 ms; each run swaps fresh blank devices into the same sockets`,
    opsPerRun: n,
    warmup: 1,
    iterations,
    maxTimeMs: 20_000,
    async setup() {
      st = await station();
      st.batch(`WO-PORTS-${n}`, first, n * waves);
      sockets = await fixtureSockets(join(st.dir, `ports-${n}`), n, { baudRate: BAUD, timing: SECURE_ELEMENT });
      await sockets.prepareKeys(n * waves);
      next = first;
    },
    async run() {
      sockets!.insert(next);
      next += n;
      const summary = await startStation({
        workspace: st!.ws,
        batchId: `WO-PORTS-${n}`,
        ports: sockets!.ports,
        caKey: st!.caKey,
        actor: 'bench',
        stepTimeoutMs: STEP_TIMEOUT,
      }).done;
      const bad = summary.outcomes.filter((o) => o.result !== 'done');
      if (bad.length > 0) throw new Error(`bench: ${bad.length} of ${n} devices failed: ${bad[0]!.code}: ${bad[0]!.message}`);
    },
    async teardown() {
      await sockets?.stop();
    },
  };
}

// ── 3. the issuance pipeline against the raw signature ──────────────────────────────────

const PIPE_OPS = 100;
const PIPE_RUNS = 8;

interface PipeItem {
  readonly serial: string;
  readonly der: Buffer;
  readonly nonce: Buffer;
}

const pipeline = sharedFixture(
  async () => {
    const st = await station();
    const total = PIPE_OPS * (PIPE_RUNS + 2);
    st.batch('WO-PIPE', 400_000, total);
    st.batch('WO-SM', 500_000, total);
    st.batch('WO-NOCN', 600_000, total, BENCH_POLICY_NO_CN_LINT);
    const ctx = prepareBatch(st.ws, 'WO-PIPE', st.caKey, 'bench');
    const noCn = prepareBatch(st.ws, 'WO-NOCN', st.caKey, 'bench');
    const sm = prepareBatch(st.ws, 'WO-SM', st.caKey, 'bench');
    // CSRs bound to nonces chosen now: the devices' signing is not part of the station's pipeline.
    const items: PipeItem[] = [];
    for (let i = 0; i < total; i++) {
      const serial = benchSerial(400_000 + i);
      const nonce = randomBytes(16);
      const key = { algorithm: 'ecdsa-p256' as const, ...(await generateKeyObjectPair('ecdsa-p256')) };
      const der = await makeSimulatedCsr({
        key,
        subjectDer: encodeName(deviceSubject(ctx.policy, serial)),
        challengePassword: nonce.toString('hex'),
        badSignature: false,
      });
      items.push({ serial, der, nonce });
    }
    // The same CSRs for the second product: serials 600000+, keys… must be new (seen_keys), so made again.
    const noCnItems: PipeItem[] = [];
    for (let i = 0; i < total; i++) {
      const serial = benchSerial(600_000 + i);
      const nonce = randomBytes(16);
      const key = { algorithm: 'ecdsa-p256' as const, ...(await generateKeyObjectPair('ecdsa-p256')) };
      noCnItems.push({
        serial,
        nonce,
        der: await makeSimulatedCsr({
          key,
          subjectDer: encodeName(deviceSubject(noCn.policy, serial)),
          challengePassword: nonce.toString('hex'),
          badSignature: false,
        }),
      });
    }
    const devices = Array.from({ length: total }, (_, i) => new FakeDevice(benchSerial(500_000 + i)));
    // A device certificate's TBS: what the raw baseline signs.
    await pipelineOne(ctx, items.shift()!);
    const cert = st.ws.db.prepare('SELECT der FROM certificates ORDER BY id DESC LIMIT 1').pluck().get() as Buffer;
    const tbs = parseDer(cert, { maxDepth: 10 }).children[0]!.raw();
    return { st, ctx, sm, noCn, items, noCnItems, sample: items.slice(0, PIPE_OPS), devices, tbs };
  },
  () => {},
);
let pipe: Awaited<ReturnType<typeof pipeline>> | undefined;
let bare: Database.Database | undefined;

/** The station's pipeline for one CSR, as provisionDevice runs it between the device's answers. */
async function pipelineOne(ctx: BatchContext, item: PipeItem): Promise<void> {
  const identity: DeviceIdentity = {
    protocol: 'hallmark',
    model: 'SIM1',
    hardwareSerial: item.serial,
    firmware: 'bench',
    protocolVersion: '1',
    provisioningState: 'keyed',
  };
  const port = '/dev/bench';
  const row = stationTransact(ctx, () => {
    const at = new Date().toISOString();
    const existing = checkPlan(ctx, identity);
    const r = existing ?? ctx.devices.insert({ batchId: ctx.batch.id, model: identity.model, hardwareSerial: item.serial, port, at });
    ctx.devices.update(r.id, { state: 'checked', attempt: true, lastPort: port, at });
    return ctx.devices.byId(r.id)!;
  });
  const parsed = checkCsr(ctx, identity, { der: item.der, nonce: item.nonce }, item.nonce);
  const spkiSha256 = parsed.publicKey.spkiSha256;
  stationTransact(ctx, () => {
    const at = new Date().toISOString();
    decideKey(ctx, row, spkiSha256, at, 'hallmark');
    ctx.devices.update(row.id, { state: 'csr-accepted', spkiSha256, at });
  });
  await issueDeviceCertificate(ctx, port, ctx.devices.byId(row.id)!, parsed, identity);
}

export default defineBenchmarks([
  {
    group: 'station-device-115200',
    name: 'bare protocol: driver only, no station',
    baseline: true,
    description: `one simulated Hallmark device on a PTY paced at ${BAUD} baud, keygen instant: open the port, HM+IDENT, HM+KEYGEN, HM+CSR (checked by the driver), HM+CHAIN of a pre-issued certificate and the CA chain, HM+READBACK?, HM+LOCK; per device`,
    warmup: 2,
    iterations: 25,
    maxTimeMs: 8000,
    async setup() {
      wire = await wireState();
    },
    async run() {
      const s = wire!;
      s.sockets.insert(s.next++);
      const count = { toDevice: 0, fromDevice: 0 };
      // Timed from the open, as the station case (provisionOnce opens and closes the port too).
      const t0 = performance.now();
      const raw = await openSerialLineLink(s.sockets.ports[0]!, { baudRate: BAUD });
      try {
        const driver = new HallmarkProtocolDriver(countingLink(raw, count));
        const id = await driver.identify();
        await driver.requestCsr({ subject: subjectText(deviceSubject(s.ctx.policy, id.hardwareSerial)), nonce: randomBytes(16) });
        await driver.writeChain(s.chain);
        await driver.lock();
      } finally {
        await raw.close();
      }
      s.times.bare.push(performance.now() - t0);
      s.bytes.bare.push(count);
    },
  },
  {
    group: 'station-device-115200',
    name: 'station: provisionDevice (checks, sign, 7 commits)',
    description: `the same device and link through the whole state machine: plan check, nonce, CSR checks, key decision, sign, commit before writing, chain, read-back, lock, every transition a device event and an audit entry; per device`,
    warmup: 2,
    iterations: 25,
    maxTimeMs: 8000,
    async setup() {
      wire = await wireState();
    },
    async run() {
      const s = wire!;
      s.sockets.insert(s.next++);
      const count = { toDevice: 0, fromDevice: 0 };
      const t0 = performance.now();
      const out = await provisionOnce(s, count);
      if (out !== 'done') throw new Error(`bench: provisioning failed: ${out}`);
      s.times.station.push(performance.now() - t0);
      s.bytes.station.push(count);
    },
    teardown() {
      if (wire && wire.times.station.length > 0 && wire.times.bare.length > 0) reportWire(wire);
    },
  },
  portsCase(1, true, 6),
  portsCase(8, false, 5),
  portsCase(32, false, 5),
  {
    group: 'station-pipeline',
    name: 'raw: CA key signSync of a device TBS',
    baseline: true,
    description: `the raw limit: one ECDSA P-256 signature by the station's CA key (the same SyncSigningKey, software) over a real device certificate's TBS; ${PIPE_OPS} per run`,
    opsPerRun: PIPE_OPS,
    iterations: PIPE_RUNS,
    async setup() {
      pipe = await pipeline();
    },
    run() {
      for (let i = 0; i < PIPE_OPS; i++) pipe!.st.caKey.signSync(pipe!.tbs);
    },
  },
  {
    group: 'station-pipeline',
    name: 'pipeline: plan + CSR checks, key decision, sign, commit (3 transactions)',
    description: `per device: plan/quota check and device row (1 transaction), strict CSR parse and signature, nonce and key-type checks, key uniqueness and idempotency decision (1 transaction), target-cloud lints, prepared-issuer sign with lints and self-verify, plan/quota re-check and commit of certificate row + audit entries (1 transaction); WAL, synchronous=FULL; ${PIPE_OPS} devices per run`,
    opsPerRun: PIPE_OPS,
    iterations: PIPE_RUNS,
    warmup: 1,
    async setup() {
      pipe = await pipeline();
    },
    async run() {
      for (let i = 0; i < PIPE_OPS; i++) await pipelineOne(pipe!.ctx, pipe!.items.shift()!);
    },
  },
  {
    group: 'station-pipeline',
    name: 'pipeline, policy without uniqueCommonName',
    description: `the same pipeline for a product whose policy does not ask for unique CNs (Azure DPS): no scan of the certificates table for the CN, twice per device; ${PIPE_OPS} devices per run`,
    opsPerRun: PIPE_OPS,
    iterations: PIPE_RUNS,
    warmup: 1,
    async setup() {
      pipe = await pipeline();
    },
    async run() {
      for (let i = 0; i < PIPE_OPS; i++) await pipelineOne(pipe!.noCn, pipe!.noCnItems.shift()!);
    },
  },
  {
    group: 'station-pipeline',
    name: 'reference: CSR checks + sign only, nothing committed',
    description: `where the CPU goes: strict CSR parse and signature check, nonce and key-type checks, prepared-issuer sign with lints and self-verify, no SQLite; ${PIPE_OPS} per run (the CSRs are re-used: nothing is recorded)`,
    opsPerRun: PIPE_OPS,
    iterations: PIPE_RUNS,
    async setup() {
      pipe = await pipeline();
    },
    async run() {
      const { ctx, sample } = pipe!;
      const identity: DeviceIdentity = { protocol: 'hallmark', model: 'SIM1', hardwareSerial: 'x', firmware: 'bench' };
      for (let i = 0; i < PIPE_OPS; i++) {
        const item = sample[i]!;
        const parsed = checkCsr(ctx, identity, { der: item.der, nonce: item.nonce }, item.nonce);
        const { notBefore, notAfter } = ctx.validity(new Date());
        await ctx.issuer.issue({
          subjectKey: parsed.publicKey,
          subjectName: encodeName(deviceSubject(ctx.policy, item.serial)),
          notBefore,
          notAfter,
          hardwareModuleName: deviceHardwareModuleName(ctx.policy, item.serial),
        });
      }
    },
  },
  {
    group: 'station-pipeline',
    name: 'reference: 3 bare SQLite commits (WAL, synchronous=FULL)',
    description: `where the wall time goes: three IMMEDIATE transactions of one small INSERT each into a bare table of a database next to the workspace, with the workspace's pragmas — the fsync floor of the pipeline's three commits; ${PIPE_OPS} per run`,
    opsPerRun: PIPE_OPS,
    iterations: PIPE_RUNS,
    async setup() {
      pipe = await pipeline();
      bare = new Database(join(pipe.st.dir, 'bare.db'));
      bare.pragma('journal_mode = WAL');
      bare.pragma('synchronous = FULL');
      bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
    },
    run() {
      const insert = bare!.prepare('INSERT INTO t (v) VALUES (?)');
      const tx = bare!.transaction((v: string) => insert.run(v));
      for (let i = 0; i < PIPE_OPS * 3; i++) tx.immediate(`device-${i}`);
    },
    teardown() {
      bare?.close();
    },
  },
  {
    group: 'station-pipeline',
    name: 'provisionDevice, in-memory device (7 recorded transitions)',
    description: `the whole state machine against an in-memory device (no link): as the pipeline plus the nonce, chain-written and done transitions and the identified/checked events, each its own transaction with an audit entry; the device's CSR signing (one P-256 signature) is included; ${PIPE_OPS} devices per run`,
    opsPerRun: PIPE_OPS,
    iterations: PIPE_RUNS,
    warmup: 1,
    async setup() {
      pipe = await pipeline();
    },
    async run() {
      for (let i = 0; i < PIPE_OPS; i++) {
        const out = await provisionDevice(pipe!.sm, pipe!.devices.shift()!, '/dev/bench');
        if (out.result !== 'done') throw new Error(`bench: ${out.code}: ${out.message}`);
      }
    },
  },
  ...tpmIssuanceCases,
]);
