import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReferenceAgents } from '../main/devices/simulator/reference-agents.js';
import { startSimulator } from '../main/devices/simulator/simulator.js';
import { startStation } from '../main/station/start-station.js';
import { encodeName, parseSubject } from '../main/x509/distinguished-name.js';
import { AGENT, requireAgent } from '../test/support/agent-binary.js';
import { toPem } from '../test/support/pem.js';
import { makeBatch } from '../test/support/station-fixture.js';
import { tempDir } from '../test/support/temp-dir.js';
import type { BenchCase } from './bench-case.js';
import { defineBenchmarks } from './bench-case.js';
import { benchStation, type BenchStation } from './station-fixture.js';

/**
 * The reference device agent (firmware/, C on mbedTLS), two questions:
 *  1. station-agents-8: devices provisioned per second (×60 per minute) by one station run
 *     over 8 reference agents on PTYs, device output paced at 115200 baud, against the
 *     simulator's devices on as many PTYs at the same pacing, in the same run. The simulator's
 *     keygen is instant here, so the ratio is what the agent's real mbedTLS work costs.
 *  2. agent-exchange: the agent's own time per command over pipes, no pacing: HM+IDENT (the
 *     baseline: one line in, two out), HM+KEYGEN=p256 and HM+CSR (P-256 sign).
 */

const BAUD = 115200;
const PORTS = 8;
const STEP_TIMEOUT = 10_000;
const TIMED = 4;
const WAVES = TIMED + 1; // + the warmup
const INSTANT = { keygenMinMs: 0, keygenMaxMs: 0, stallMs: 1000 };

interface Wave {
  readonly ports: readonly string[];
  stop(): Promise<void>;
}

/** Every wave's 8 devices are started in setup, so starting them is not what is timed. */
function stationCase(kind: 'simulator' | 'agents'): BenchCase {
  let st: BenchStation | undefined;
  const waves: Wave[] = [];
  let next = 0;
  return {
    group: 'station-agents-8',
    name: kind === 'agents' ? `${PORTS} reference agents (mbedTLS 2.28), ${BAUD} baud` : `${PORTS} simulated devices, ${BAUD} baud, keygen instant`,
    ...(kind === 'simulator' ? { baseline: true } : {}),
    description: `devices provisioned per second by one startStation() run over ${PORTS} ${kind === 'agents' ? 'reference agent processes' : 'simulated Hallmark devices'} on PTYs, device output paced at ${BAUD} baud; each run takes ${PORTS} fresh blank devices started beforehand`,
    opsPerRun: PORTS,
    warmup: 1,
    iterations: TIMED,
    maxTimeMs: 60_000,
    async setup() {
      if (kind === 'agents') requireAgent();
      st = await benchStation(`hallmark-bench-${kind}-`);
      const serials = PORTS * WAVES;
      makeBatch(st.ws, 'WO-AGENTS', `HM-SIM1-0001..HM-SIM1-${String(serials).padStart(4, '0')}`, serials);
      const rootPem = join(st.dir, 'root.pem');
      writeFileSync(rootPem, toPem(st.caChain[1]!));
      for (let w = 0; w < WAVES; w++) {
        const dir = join(st.dir, `wave-${w}`);
        mkdirSync(dir);
        const serialStart = 1 + w * PORTS;
        if (kind === 'agents') {
          const a = await startReferenceAgents({ dir, count: PORTS, agentPath: AGENT, trustPath: rootPem, baudRate: BAUD, serialStart });
          waves.push({ ports: a.devices.map((d) => d.path), stop: () => a.stop() });
        } else {
          const s = await startSimulator({ dir, count: PORTS, protocol: 'hallmark', serialStart, timing: INSTANT, baudRate: BAUD });
          waves.push({ ports: s.devices.map((d) => d.path), stop: () => s.stop() });
        }
      }
    },
    async run() {
      const wave = waves[next++];
      if (wave === undefined) throw new Error('bench: more runs than prepared waves');
      const summary = await startStation({
        workspace: st!.ws,
        batchId: 'WO-AGENTS',
        ports: wave.ports,
        caKey: st!.caKey,
        actor: 'bench',
        stepTimeoutMs: STEP_TIMEOUT,
      }).done;
      const bad = summary.outcomes.filter((o) => o.result !== 'done');
      if (bad.length > 0) throw new Error(`bench: ${bad.length} of ${PORTS} devices failed: ${bad[0]!.code}: ${bad[0]!.message}`);
    },
    async teardown() {
      await Promise.allSettled(waves.map((w) => w.stop()));
      st?.dispose();
    },
  };
}

/** One agent on pipes (--stdio, no pacing): send a line, resolve with the lines up to the final OK/ERROR. */
class PipedAgent {
  #buffer = '';
  #waiting: ((lines: string[]) => void) | undefined;
  #lines: string[] = [];
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (b: Buffer) => {
      this.#buffer += b.toString('latin1');
      let nl: number;
      while ((nl = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
        this.#buffer = this.#buffer.slice(nl + 1);
        if (line.startsWith('+BOOT:')) continue;
        this.#lines.push(line);
        if (line === 'OK' || line.startsWith('ERROR')) {
          const done = this.#waiting;
          const lines = this.#lines;
          this.#waiting = undefined;
          this.#lines = [];
          done?.(lines);
        }
      }
    });
  }

  static start(dir: string, trust: string): PipedAgent {
    const child = spawn(AGENT, [
      '--stdio',
      '--serial',
      'HM-SIM1-0001',
      '--model',
      'SIM1',
      '--store',
      join(dir, 'bench.se'),
      '--trust',
      trust,
      '--baud',
      '0',
      '--quiet',
    ]);
    return new PipedAgent(child);
  }

  command(line: string): Promise<string[]> {
    return new Promise((done, fail) => {
      this.#waiting = (lines) => (lines.at(-1) === 'OK' ? done(lines) : fail(new Error(`agent answered ${lines.join(' | ')} to ${line.slice(0, 40)}`)));
      this.child.stdin.write(`${line}\r\n`);
    });
  }

  async stop(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await new Promise((r) => this.child.once('exit', r));
    }
  }
}

function exchangeCase(name: string, baseline: boolean, line: () => string, before?: string): BenchCase {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let agent: PipedAgent | undefined;
  return {
    group: 'agent-exchange',
    name,
    ...(baseline ? { baseline: true } : {}),
    description: `the reference agent's round trip for ${name} over pipes (no serial pacing), from the command written to its final OK`,
    warmup: 5,
    iterations: 100,
    maxTimeMs: 5000,
    async setup() {
      requireAgent();
      tmp = tempDir('hallmark-bench-agent-exchange-');
      const st = await benchStation('hallmark-bench-agent-root-');
      const trust = join(tmp.path, 'root.pem');
      writeFileSync(trust, toPem(st.caChain[1]!));
      st.dispose();
      agent = PipedAgent.start(tmp.path, trust);
      if (before) await agent.command(before);
    },
    async run() {
      await agent!.command(line());
    },
    async teardown() {
      await agent?.stop();
      tmp?.dispose();
    },
  };
}

const SUBJECT = encodeName(parseSubject('O=Acme Devices GmbH,CN=SIM1-HM-SIM1-0001,serialNumber=HM-SIM1-0001')).toString('base64');

export default defineBenchmarks([
  stationCase('simulator'),
  stationCase('agents'),
  exchangeCase('HM+IDENT', true, () => 'HM+IDENT'),
  exchangeCase('HM+KEYGEN=p256', false, () => 'HM+KEYGEN=p256'),
  exchangeCase('HM+CSR (P-256 signature)', false, () => `HM+CSR=${SUBJECT},${randomBytes(16).toString('hex')}`, 'HM+KEYGEN=p256'),
]);
