import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PKCS11_MODULES_ENV } from '../../main/keys/pkcs11/pkcs11-module-policy.js';
import { tempDir } from './temp-dir.js';

/**
 * A software TPM 2.0 with one tpm2-pkcs11 token, for tests and benchmarks
 * (../shared/TOKENS.md): swtpm on a Unix socket, a private D-Bus session bus, and
 * tpm2-abrmd on it as the resource manager (without one, objects pile up in the TPM's three
 * slots and tpm2-pkcs11 fails with CKR_GENERAL_ERROR). No ports, about 1 s to set up.
 *
 * One per test file, in `beforeAll`, stopped in `afterAll`: tpm2-pkcs11 reads its TCTI and
 * store from the environment at C_Initialize, and Hallmark's module registry initializes a
 * library once per process. The fixture sets those variables (and the module on
 * HALLMARK_PKCS11_MODULES) in process.env, so CLIs this process starts inherit them.
 *
 * The dictionary-attack lockout is opened up at start (without that, 3 wrong PINs lock the
 * whole TPM for 1000 s, the right PIN included); `setLockout` arms it for a test that wants it.
 */

export const TPM2_PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so';

const TOOLS = ['swtpm', 'tpm2-abrmd', 'dbus-daemon', 'tpm2_getcap', 'tpm2_dictionarylockout', 'tpm2_ptool'];

/** What is missing to run a TPM token here (empty when everything is installed). */
export function tpmMissing(): string[] {
  const missing = TOOLS.filter((t) => !onPath(t));
  if (!existsSync(TPM2_PKCS11_MODULE)) missing.push(TPM2_PKCS11_MODULE);
  return missing;
}

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TpmToken {
  readonly modulePath: string;
  readonly label: string;
  readonly pin: string;
  readonly soPin: string;
  /** every tpm2-pkcs11 token reports this serial */
  readonly serial: string;
  readonly dir: string;
  /** the environment tpm2-tools and tpm2-pkcs11 need (also set in process.env while the fixture lives) */
  readonly env: Readonly<Record<string, string>>;
  /** arms the TPM's dictionary-attack protection: `maxTries` wrong PINs lock it for `recoverySeconds` */
  setLockout(maxTries: number, recoverySeconds: number): Promise<void>;
  /** clears a lockout and opens the protection up again, as at start */
  clearLockout(): Promise<void>;
  /** pulls the token: kills the software TPM or the resource manager without warning */
  kill(which: 'swtpm' | 'abrmd'): Promise<void>;
  /** stops whatever still runs and removes the directory; restores the environment */
  stop(): Promise<void>;
}

const run = promisify(execFile);

export async function startTpmToken(opts: { label?: string; pin?: string; soPin?: string } = {}): Promise<TpmToken> {
  const missing = tpmMissing();
  if (missing.length > 0)
    throw new Error(
      `the TPM token fixture needs ${missing.join(', ')} (apt: swtpm swtpm-tools tpm2-tools libtpm2-pkcs11-1 libtpm2-pkcs11-tools tpm2-abrmd libtss2-tcti-tabrmd0 dbus)`,
    );
  const label = opts.label ?? 'ca';
  const pin = opts.pin ?? '1234';
  const soPin = opts.soPin ?? '5678';
  const dir = tempDir('hallmark-tpm-');
  const state = join(dir.path, 'tpmstate');
  const store = join(dir.path, 'store');
  mkdirSync(state);
  mkdirSync(store);
  const sock = join(dir.path, 'tpm.sock');
  const bus = join(dir.path, 'bus');
  const env: Record<string, string> = {
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus}`,
    TPM2TOOLS_TCTI: 'tabrmd:bus_type=session',
    TPM2_PKCS11_TCTI: 'tabrmd:bus_type=session',
    TPM2_PKCS11_STORE: store,
    TPM2_PKCS11_LOG_LEVEL: '0',
    // tpm2-tss logs every failed command to stderr (a wrong PIN, a pulled TPM): the tests provoke those on purpose.
    TSS2_LOG: 'all+none',
  };
  const childEnv = { ...process.env, ...env };
  const children = new Map<'swtpm' | 'dbus' | 'abrmd', ChildProcess>();
  const spawnChild = (name: 'swtpm' | 'dbus' | 'abrmd', cmd: string, args: string[]): void => {
    const child = spawn(cmd, args, { env: childEnv, stdio: 'ignore' });
    child.on('error', () => undefined);
    children.set(name, child);
  };
  const stopChildren = async (): Promise<void> => {
    // The resource manager first, then the bus and the TPM behind it.
    for (const name of ['abrmd', 'dbus', 'swtpm'] as const) {
      const child = children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
  };

  const previous = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const previousModules = process.env[PKCS11_MODULES_ENV];
  try {
    spawnChild('swtpm', 'swtpm', [
      'socket',
      '--tpm2',
      '--server',
      `type=unixio,path=${sock}`,
      '--ctrl',
      `type=unixio,path=${sock}.ctrl`,
      '--tpmstate',
      `dir=${state}`,
      '--flags',
      'not-need-init,startup-clear',
    ]);
    spawnChild('dbus', 'dbus-daemon', ['--session', '--nofork', `--address=unix:path=${bus}`]);
    await waitFor(() => existsSync(sock) && existsSync(bus), 'swtpm and the D-Bus session to listen', children);
    spawnChild('abrmd', 'tpm2-abrmd', ['--session', '--allow-root', '--flush-all', `--tcti=swtpm:path=${sock}`]);
    await waitForAsync(
      async () => {
        try {
          await run('tpm2_getcap', ['properties-fixed'], { env: childEnv });
          return true;
        } catch {
          return false;
        }
      },
      'tpm2-abrmd to answer',
      children,
    );
    await run('tpm2_dictionarylockout', ['--setup-parameters', '--max-tries=4294967295', '--recovery-time=0', '--lockout-recovery-time=0'], { env: childEnv });
    await run('tpm2_ptool', ['init', '--path', store], { env: childEnv });
    await run('tpm2_ptool', ['addtoken', '--pid=1', `--label=${label}`, `--userpin=${pin}`, `--sopin=${soPin}`, '--path', store], { env: childEnv });
  } catch (e) {
    await stopChildren();
    dir.dispose();
    throw e;
  }

  Object.assign(process.env, env);
  process.env[PKCS11_MODULES_ENV] = [TPM2_PKCS11_MODULE, ...(previousModules ?? '').split(':').filter((p) => p !== '' && p !== TPM2_PKCS11_MODULE)].join(':');
  let stopped = false;
  return {
    modulePath: TPM2_PKCS11_MODULE,
    label,
    pin,
    soPin,
    serial: '0000000000000000',
    dir: dir.path,
    env,
    async setLockout(maxTries, recoverySeconds) {
      await run(
        'tpm2_dictionarylockout',
        ['--setup-parameters', `--max-tries=${maxTries}`, `--recovery-time=${recoverySeconds}`, '--lockout-recovery-time=0'],
        { env: childEnv },
      );
    },
    async clearLockout() {
      await run('tpm2_dictionarylockout', ['--clear-lockout'], { env: childEnv });
      await run('tpm2_dictionarylockout', ['--setup-parameters', '--max-tries=4294967295', '--recovery-time=0', '--lockout-recovery-time=0'], {
        env: childEnv,
      });
    },
    async kill(which) {
      const child = children.get(which);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChildren();
      for (const [k, v] of previous) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      if (previousModules === undefined) delete process.env[PKCS11_MODULES_ENV];
      else process.env[PKCS11_MODULES_ENV] = previousModules;
      dir.dispose();
    },
  };
}

function exitedEarly(children: Map<string, ChildProcess>): string | undefined {
  for (const [name, child] of children) {
    if (child.exitCode !== null || child.signalCode !== null) return `${name} exited (${child.exitCode ?? child.signalCode})`;
  }
  return undefined;
}

/** Polls a condition (no fixed sleeps); gives up after 10 s or when a child died. */
async function waitFor(ready: () => boolean, what: string, children: Map<string, ChildProcess>): Promise<void> {
  await waitForAsync(async () => ready(), what, children);
}

async function waitForAsync(ready: () => Promise<boolean>, what: string, children: Map<string, ChildProcess>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await ready()) return;
    const dead = exitedEarly(children);
    if (dead) throw new Error(`waiting for ${what}: ${dead}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
