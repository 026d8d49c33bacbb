import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPtyPair, type PtyPair } from '../../main/devices/simulator/pty-pair.js';
import { REPO_ROOT } from './run-cli.js';

/** The reference device agent (firmware/), built by `make -C firmware` (npm run build:firmware). */
export const AGENT_BINARY = join(REPO_ROOT, 'firmware/build/hallmark-agent');
export const AGENT_TESTS_BINARY = join(REPO_ROOT, 'firmware/build/agent-tests');
export const AGENT_FUZZ_BINARY = join(REPO_ROOT, 'firmware/build/fuzz-lines');
const SETPRIV = '/usr/bin/setpriv';

/** The path of a firmware build output, or a clear error saying how to make it (nothing is built here). */
export function requireFirmwareBinary(path = AGENT_BINARY): string {
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: build the reference agent first with \`make -C firmware\` (or \`npm run build:firmware\`)`);
  }
  return path;
}

export interface ReferenceAgentOptions {
  /** where the PTY links, the trust root file and the agent's log go */
  readonly dir: string;
  /** names the PTY pair: the station side is `<dir>/station-<name>` */
  readonly name: string;
  readonly serial: string;
  readonly model?: string;
  /** the file that stands for the device's secure element; kept across restarts */
  readonly storePath: string;
  /** the trust root "built into the firmware", PEM */
  readonly trustPem: string;
  /** output pacing in bit/s (0: none) */
  readonly baud?: number;
  /** how long to wait for the PTY links and the +BOOT banner */
  readonly readyTimeoutMs?: number;
  /** the agent runs its Matter mode (`--matter`) */
  readonly matter?: boolean;
}

export interface ReferenceAgent {
  /** the station-side port: the same path across restarts */
  readonly path: string;
  readonly storePath: string;
  /** the running agent's pid (undefined while stopped) */
  readonly pid: number | undefined;
  /** everything the agent logged on stderr, across restarts */
  readonly log: string;
  /** stops the agent (SIGTERM) and removes its PTY pair: the device is unplugged */
  stop(): Promise<void>;
  /** SIGKILLs the agent (power cut); its PTY pair stays, as a USB-serial adapter would */
  kill(): Promise<void>;
  /** kills the agent if it runs and starts it again on the same port and store (a reset); a new PTY pair if the old one is gone */
  restart(): Promise<void>;
  /** resolves with the first log line (from now on, or already logged when `includePast`) matching `re` */
  waitForLog(re: RegExp, options?: { timeoutMs?: number; includePast?: boolean }): Promise<string>;
}

/** Starts `firmware/build/hallmark-agent` on a fresh socat PTY pair; resolves once it sent its +BOOT banner. */
export async function startReferenceAgent(options: ReferenceAgentOptions): Promise<ReferenceAgent> {
  const binary = requireFirmwareBinary();
  const trustPath = join(options.dir, `${options.name}.trust.pem`);
  writeFileSync(trustPath, options.trustPem);
  const readyMs = options.readyTimeoutMs ?? 10_000;

  let pair: PtyPair | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const watchers = new Set<() => void>();

  const launch = async (): Promise<void> => {
    if (pair === undefined || !pair.alive) {
      await pair?.dispose();
      pair = await createPtyPair(options.dir, options.name, { readyTimeoutMs: readyMs });
    }
    const args = ['--tty', pair.devicePath, '--serial', options.serial, '--model', options.model ?? 'SIM1', '--store', options.storePath, '--trust', trustPath];
    if (options.baud) args.push('--baud', String(options.baud));
    if (options.matter) args.push('--matter');
    const start = log.length;
    // With a parent-death signal (as socat in pty-pair.ts) an agent never outlives a killed test worker; setpriv execs, so the pid is the agent's.
    const [command, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
    const proc = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let done = false;
    exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        done = true;
        if (child === proc) child = undefined;
        for (const wake of watchers) wake();
        resolve();
      });
      proc.once('error', () => {
        done = true;
        if (child === proc) child = undefined;
        for (const wake of watchers) wake();
        resolve();
      });
    });
    proc.stderr.on('data', (b: Buffer) => {
      log += b.toString();
      for (const wake of watchers) wake();
    });
    // Ready once it has opened its side and sent the banner (it logs the banner after sending it).
    await until(
      () => {
        if (/boot: \+BOOT: /.test(log.slice(start))) return true;
        if (done) throw new Error(`hallmark-agent exited before it booted:\n${log.slice(start)}`);
        return false;
      },
      readyMs,
      () => `hallmark-agent did not send +BOOT within ${readyMs} ms:\n${log.slice(start)}`,
    );
  };

  /** resolves when `check` is true, re-checked whenever the agent logs or exits (no polling sleeps) */
  const until = (check: () => boolean, timeoutMs: number, timeoutMessage: () => string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const finish = (e?: Error) => {
        watchers.delete(wake);
        clearTimeout(timer);
        if (e === undefined) resolve();
        else reject(e);
      };
      const wake = () => {
        try {
          if (check()) finish();
        } catch (e) {
          finish(e instanceof Error ? e : new Error('the readiness check failed', { cause: e }));
        }
      };
      const timer = setTimeout(() => finish(new Error(timeoutMessage())), timeoutMs);
      watchers.add(wake);
      wake();
    });

  const killNow = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    get path() {
      return pair!.stationPath;
    },
    storePath: options.storePath,
    get pid() {
      return child?.pid;
    },
    get log() {
      return log;
    },
    async stop() {
      await killNow('SIGTERM');
      await pair?.dispose();
    },
    async kill() {
      await killNow('SIGKILL');
    },
    async restart() {
      await killNow('SIGKILL');
      await launch();
    },
    async waitForLog(re, opts = {}) {
      const from = opts.includePast ? 0 : log.length;
      let found = '';
      await until(
        () => {
          const line = log
            .slice(from)
            .split('\n')
            .find((l) => re.test(l));
          if (line === undefined) return false;
          found = line;
          return true;
        },
        opts.timeoutMs ?? 10_000,
        () => `hallmark-agent did not log ${re} in time:\n${log.slice(from)}`,
      );
      return found;
    },
  };
}

/** What `hallmark-agent store-info` reads from a store file. */
export interface AgentStoreInfo {
  readonly state: 'blank' | 'keyed' | 'provisioned' | 'locked';
  readonly keyAlg: string | null;
  readonly spkiSha256: string | null;
  readonly chainSha256: string | null;
  readonly chainBytes: number;
  /** the committed chain's certificates, DER, device first */
  readonly certificates: Buffer[];
  /** the Matter factory record, as the device stores it (null without one) */
  readonly matter: {
    passcode: number;
    discriminator: number;
    iterations: number;
    salt: Buffer;
    verifier: Buffer;
    uniqueId: Buffer;
    cd: Buffer;
    recordSha256: string;
  } | null;
}

export async function agentStoreInfo(storePath: string): Promise<AgentStoreInfo> {
  const { stdout } = await promisify(execFile)(requireFirmwareBinary(), ['store-info', '--store', storePath], { encoding: 'utf8' });
  type RawMatter = {
    passcode: number;
    discriminator: number;
    iterations: number;
    salt: string;
    verifier: string;
    uniqueId: string;
    cd: string;
    recordSha256: string;
  };
  const raw = JSON.parse(stdout) as Omit<AgentStoreInfo, 'certificates' | 'matter'> & { certificates: string[]; matter?: RawMatter | null };
  const m = raw.matter ?? null;
  const b = (s: string) => Buffer.from(s, 'base64');
  return {
    ...raw,
    certificates: raw.certificates.map(b),
    matter: m === null ? null : { ...m, salt: b(m.salt), verifier: b(m.verifier), uniqueId: b(m.uniqueId), cd: b(m.cd) },
  };
}
