import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from '../../keys/key-algorithm.js';
import { parseFaultSpec, type FaultSpec } from '../../devices/simulator/fault-spec.js';
import { FAULT_MODES } from '../../devices/simulator/device-personality.js';
import { personalityNames } from '../../devices/simulator/personalities.js';
import { startSimulator } from '../../devices/simulator/simulator.js';
import { DEFAULT_AGENT_PATH, startReferenceAgents } from '../../devices/simulator/reference-agents.js';
import { UsageError } from '../../errors/hallmark-error.js';
import { CSR_QUIRKS, type CsrQuirk } from '../../devices/simulator/simulated-csr.js';
import type { CliContext } from '../cli-context.js';
import { nonNegativeInteger, positiveInteger } from '../option-parsers.js';

interface SimOptions {
  count: number;
  protocol: string;
  model?: string;
  serialStart: number;
  fault?: FaultSpec[];
  seed: number;
  keyAlg?: KeyAlgorithm;
  keygenDelay?: [number, number];
  stall: number;
  baud: number;
  bogusSerial?: string;
  csrQuirk?: CsrQuirk;
  matter?: boolean;
  agent?: string | true;
  agentTrust?: string;
  agentStore?: string;
  dir?: string;
}

/**
 * `hallmark sim`: N simulated devices on PTY pairs, until SIGINT/SIGTERM. The first line
 * of stdout is the station-side paths (space-separated; with --json a one-line JSON array)
 * so a script can read one line and start; then it kills every socat and removes the links.
 */
export function registerSim(program: Command, ctx: () => CliContext): void {
  program
    .command('sim')
    .description('simulate devices on pseudo-terminals (Hallmark protocol or nRF91 AT), or run reference device agents on them, until interrupted')
    .requiredOption('--count <n>', 'how many devices', positiveInteger)
    .option('--protocol <name>', `what they speak: ${personalityNames().join(', ')}`, 'hallmark')
    .option('--model <model>', 'model name (also part of Hallmark serials: HM-<model>-0001)')
    .option('--serial-start <n>', 'the first device serial counter', positiveInteger, 1)
    .option(
      '--fault <spec>',
      `a fault: MODE (all devices), MODE@N (device N) or MODE:RATE (each device with that probability); repeatable. MODE: ${FAULT_MODES.join(', ')}`,
      (value: string, previous: FaultSpec[] | undefined) => [...(previous ?? []), parseFaultSpecArg(value)],
    )
    .option('--seed <n>', 'seed for fault rates and delays', nonNegativeInteger, 1)
    .option('--key-alg <alg>', `device key algorithm (${KEY_ALGORITHMS.join(', ')}; default per protocol: P-256)`, keyAlgorithmArg)
    .option('--keygen-delay <min-max>', 'key generation time in ms, a range or one number (default: 200-800)', delayRange)
    .option('--stall <ms>', 'how long the stall fault stays silent', positiveInteger, 60_000)
    .option('--baud <rate>', 'pace device output as at this baud rate (0: no pacing)', nonNegativeInteger, 115200)
    .option('--bogus-serial <serial>', 'the serial the bogus-serial fault reports')
    .option('--matter', 'Hallmark devices run their Matter mode: they take a factory record (HM+MATTER) and report matter=1')
    .addOption(
      new Option(
        '--csr-quirk <stack>',
        'Hallmark devices write CSRs as this firmware stack does (mbedtls-2: NULL ECDSA parameters; wolfssl: version 2)',
      ).choices([...CSR_QUIRKS]),
    )
    .option('--agent [path]', `run the reference device agents (firmware/, C on mbedTLS) instead of simulated devices (default path ${DEFAULT_AGENT_PATH})`)
    .option('--agent-trust <file>', 'with --agent: the root certificate the agents trust (PEM or DER), as firmware has it built in')
    .option(
      '--agent-store <dir>',
      'with --agent: where each agent keeps its secure-element file (default: --dir); a device started again with its store keeps its key',
    )
    .option('--dir <dir>', 'where to make the PTY links (default: a new temporary directory)')
    .action(async (opts: SimOptions) => {
      const c = ctx();
      const ownDir = opts.dir === undefined;
      const dir = ownDir ? mkdtempSync(join(tmpdir(), 'hallmark-sim-')) : resolve(opts.dir!);
      if (!ownDir) mkdirSync(dir, { recursive: true });
      try {
        const sim =
          opts.agent !== undefined
            ? await startAgents(opts, dir)
            : await startSimulator({
                dir,
                count: opts.count,
                protocol: opts.protocol,
                serialStart: opts.serialStart,
                faults: opts.fault ?? [],
                seed: opts.seed,
                timing: { keygenMinMs: opts.keygenDelay?.[0] ?? 200, keygenMaxMs: opts.keygenDelay?.[1] ?? 800, stallMs: opts.stall },
                baudRate: opts.baud,
                ...(opts.model !== undefined ? { model: opts.model } : {}),
                ...(opts.keyAlg !== undefined ? { keyAlgorithm: opts.keyAlg } : {}),
                ...(opts.bogusSerial !== undefined ? { bogusSerial: opts.bogusSerial } : {}),
                ...(opts.csrQuirk !== undefined ? { csrQuirk: opts.csrQuirk } : {}),
                ...(opts.matter ? { matter: true } : {}),
                onError: (n, e) => c.io.err(`warning: device ${n}: ${(e as Error)?.message ?? String(e)}\n`),
              });
        try {
          // Listening before the paths are printed: whoever reads them may signal at once, and a
          // SIGINT before a listener exists kills the process without cleaning up (exit by signal).
          const stopped = untilSignal();
          if (c.json) {
            c.io.out(`${JSON.stringify(sim.devices)}\n`);
          } else {
            c.io.out(`${sim.devices.map((d) => d.path).join(' ')}\n`);
            for (const d of sim.devices) {
              c.io.out(`${d.path}  ${d.protocol}  ${d.model}  ${d.serial}${d.faults.length ? `  faults: ${d.faults.join(',')}` : ''}\n`);
            }
            c.io.err('simulating; stop with Ctrl-C\n');
          }
          await stopped;
        } finally {
          await sim.stop();
        }
      } finally {
        if (ownDir) rmSync(dir, { recursive: true, force: true });
      }
    });
}

/** `--agent`: reference agents on the same PTY pairs, listed as simulated devices are (no faults: a real agent has none to order). */
async function startAgents(opts: SimOptions, dir: string) {
  if (opts.agentTrust === undefined) throw new UsageError('--agent needs --agent-trust FILE: the root certificate the agents verify their chain against');
  if (opts.fault !== undefined || opts.csrQuirk !== undefined || opts.protocol !== 'hallmark') {
    throw new UsageError('--agent runs the reference agents, which speak the Hallmark protocol and take no --fault, --csr-quirk or --protocol');
  }
  const running = await startReferenceAgents({
    dir,
    count: opts.count,
    agentPath: opts.agent === true ? DEFAULT_AGENT_PATH : opts.agent!,
    trustPath: resolve(opts.agentTrust),
    serialStart: opts.serialStart,
    baudRate: opts.baud,
    ...(opts.agentStore !== undefined ? { storeDir: resolve(opts.agentStore) } : {}),
    ...(opts.model !== undefined ? { model: opts.model } : {}),
    ...(opts.matter ? { matter: true } : {}),
  });
  return { devices: running.devices.map((d) => ({ ...d, faults: [] as string[] })), stop: () => running.stop() };
}

/**
 * Resolves on the first SIGINT or SIGTERM, for commands that run until stopped. The
 * handlers are removed again, so the process exits once the command has cleaned up.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

function parseFaultSpecArg(value: string): FaultSpec {
  try {
    return parseFaultSpec(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function keyAlgorithmArg(value: string): KeyAlgorithm {
  if (!isKeyAlgorithm(value)) throw new InvalidArgumentError(`"${value}" is not one of ${KEY_ALGORITHMS.join(', ')}`);
  return value;
}

function delayRange(value: string): [number, number] {
  const m = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(value);
  const min = Number(m?.[1]);
  const max = m?.[2] === undefined ? min : Number(m[2]);
  if (!m || max < min) throw new InvalidArgumentError(`"${value}" is not MIN-MAX milliseconds (or one number)`);
  return [min, max];
}
