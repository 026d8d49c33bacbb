import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../../errors/hallmark-error.js';
import { DeviceError } from '../device-errors.js';
import { createPtyPair, type PtyPair } from './pty-pair.js';

const SETPRIV = '/usr/bin/setpriv';

/**
 * Reference device agents (firmware/, the device side of docs/device-protocol.md in C on
 * mbedTLS) as processes on PTY pairs: each agent opens the device side as a board's
 * firmware opens its UART, and keeps its key and chain in a store file that stands for the
 * secure element, so a killed and restarted agent has the key it had.
 */
export interface ReferenceAgentOptions {
  /** where the PTY links are made (the caller owns the directory) */
  readonly dir: string;
  readonly count: number;
  /** the built agent, firmware/build/hallmark-agent */
  readonly agentPath: string;
  /** the root certificate the agents' firmware trusts (PEM or DER file) */
  readonly trustPath: string;
  /** where the store files go (default `dir`); an existing store is the same device again */
  readonly storeDir?: string;
  readonly model?: string;
  /** the first device's serial counter (default 1): serials HM-<model>-0001, … */
  readonly serialStart?: number;
  /** output pacing, bits per second (default 115200; 0 = none) */
  readonly baudRate?: number;
  /** key algorithms the agent's element makes (default its own: p256, p384) */
  readonly algorithms?: readonly ('p256' | 'p384' | 'rsa2048')[];
  /** the agents run their Matter mode (`--matter`) */
  readonly matter?: boolean;
}

export interface ReferenceAgentInfo {
  /** the station-side port */
  readonly path: string;
  readonly serial: string;
  readonly protocol: 'hallmark';
  readonly model: string;
  readonly store: string;
}

export interface ReferenceAgent extends ReferenceAgentInfo {
  /** the agent process is running */
  readonly running: boolean;
  /** SIGKILL, as a power cut: the PTY pair stays, the store keeps what was committed */
  kill(): Promise<void>;
  /** starts the agent again on the same PTY with the same store (a reboot) */
  restart(): Promise<void>;
  /** what the agent wrote on stderr (bounded), for diagnostics */
  readonly stderr: string;
}

export interface RunningReferenceAgents {
  readonly devices: readonly ReferenceAgentInfo[];
  readonly agents: readonly ReferenceAgent[];
  /** stops every agent and every socat */
  stop(): Promise<void>;
}

export const DEFAULT_AGENT_PATH = 'firmware/build/hallmark-agent';
const STDERR_LIMIT = 8192;

export async function startReferenceAgents(options: ReferenceAgentOptions): Promise<RunningReferenceAgents> {
  const agentPath = resolve(options.agentPath);
  if (!existsSync(agentPath)) {
    throw new InvalidInputError(`the reference agent ${agentPath} does not exist; build it with \`make -C firmware\``);
  }
  if (!existsSync(options.trustPath)) throw new InvalidInputError(`the agents' trust root ${options.trustPath} does not exist`);
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 256) {
    throw new InvalidInputError(`--count must be 1 to 256, not ${options.count}`);
  }
  const model = options.model ?? 'SIM1';
  const start = options.serialStart ?? 1;
  const agents: AgentProcess[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const serial = `HM-${model}-${String(start + i).padStart(4, '0')}`;
      const pair = await createPtyPair(options.dir, String(i + 1));
      const agent = new AgentProcess(pair, {
        agentPath,
        serial,
        model,
        store: join(options.storeDir ?? options.dir, `${serial}.se`),
        trustPath: options.trustPath,
        baudRate: options.baudRate ?? 115200,
        ...(options.algorithms ? { algorithms: options.algorithms } : {}),
        ...(options.matter ? { matter: true } : {}),
      });
      agents.push(agent);
      await agent.start();
    }
  } catch (e) {
    await Promise.all(agents.map((a) => a.dispose()));
    throw e;
  }
  return {
    devices: agents.map((a) => a.info()),
    agents,
    async stop() {
      await Promise.all(agents.map((a) => a.dispose()));
    },
  };
}

interface AgentConfig {
  readonly agentPath: string;
  readonly serial: string;
  readonly model: string;
  readonly store: string;
  readonly trustPath: string;
  readonly baudRate: number;
  readonly algorithms?: readonly string[];
  readonly matter?: boolean;
}

class AgentProcess implements ReferenceAgent {
  readonly protocol = 'hallmark' as const;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stderr = '';

  constructor(
    private readonly pair: PtyPair,
    private readonly config: AgentConfig,
  ) {}

  get path(): string {
    return this.pair.stationPath;
  }
  get serial(): string {
    return this.config.serial;
  }
  get model(): string {
    return this.config.model;
  }
  get store(): string {
    return this.config.store;
  }
  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }
  get stderr(): string {
    return this.#stderr;
  }

  info(): ReferenceAgentInfo {
    return { path: this.path, serial: this.serial, protocol: 'hallmark', model: this.model, store: this.store };
  }

  /** Spawns the agent and resolves once it has opened its side of the PTY (or fails with what it said). */
  async start(): Promise<void> {
    const c = this.config;
    const args = [
      '--tty',
      this.pair.devicePath,
      '--serial',
      c.serial,
      '--model',
      c.model,
      '--store',
      c.store,
      '--trust',
      c.trustPath,
      '--baud',
      String(c.baudRate),
    ];
    if (c.algorithms) args.push('--algs', c.algorithms.join(','));
    if (c.matter) args.push('--matter');
    // As socat in pty-pair.ts: with a parent-death signal, an agent never outlives a killed simulator.
    const [command, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', '--', c.agentPath, ...args]] : [c.agentPath, args];
    const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    this.#exited = new Promise((done) => child.once('exit', () => done()));
    child.stderr?.on('data', (b: Buffer) => {
      if (this.#stderr.length < STDERR_LIMIT) this.#stderr += b.toString('utf8');
    });
    await new Promise<void>((ok, fail) => {
      const onSpawn = () => {
        child.off('error', onError);
        ok();
      };
      const onError = (e: Error) => fail(new DeviceError('LINK_OPEN_FAILED', `cannot start the reference agent ${c.agentPath}: ${e.message}`));
      child.once('spawn', onSpawn);
      child.once('error', onError);
    });
    // An agent that cannot open its TTY or read its trust root exits at once: report that
    // instead of handing out a port nobody answers on.
    const early = await Promise.race([this.#exited.then(() => true), this.#opened().then(() => false)]);
    if (early) {
      throw new DeviceError(
        'LINK_OPEN_FAILED',
        `the reference agent for ${c.serial} exited at start: ${this.#stderr.trim().slice(0, 300) || `exit ${child.exitCode}`}`,
      );
    }
  }

  /** The agent holds the device side open once /proc shows the PTY among its descriptors. */
  async #opened(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    const target = realpathSync(this.pair.devicePath);
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        if (readdirSync(`/proc/${pid}/fd`).some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === target)) return;
      } catch {
        return; // the process is gone; the race above reports it
      }
      if (Date.now() > deadline)
        throw new DeviceError('LINK_OPEN_FAILED', `the reference agent for ${this.config.serial} did not open ${this.pair.devicePath}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.#child!.kill('SIGKILL');
    await this.#exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async dispose(): Promise<void> {
    if (this.running) {
      this.#child!.kill('SIGTERM');
      const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 1000);
      await this.#exited;
      clearTimeout(timer);
    }
    await this.pair.dispose();
  }
}

function safeReadlink(p: string): string | null {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
}
