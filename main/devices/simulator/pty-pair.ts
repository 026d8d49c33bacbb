import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceError } from '../device-errors.js';

/**
 * Two connected pseudo-terminals made by socat: what a device writes on `devicePath` the
 * station reads on `stationPath` and back. Both are symlinks socat creates; the station
 * side behaves like a USB CDC-ACM port (and when socat goes, the station sees its port
 * vanish, as when a device is unplugged).
 */
export interface PtyPair {
  readonly devicePath: string;
  readonly stationPath: string;
  readonly pid: number | undefined;
  /** true until socat exits */
  readonly alive: boolean;
  /** Kills socat (SIGTERM, then SIGKILL) and removes the links. Safe to call twice. */
  dispose(): Promise<void>;
}

export const SOCAT = '/usr/bin/socat';
/**
 * util-linux's setpriv, when present, starts socat with a parent-death signal: if this
 * process is killed outright (SIGKILL, a crash) its socats die with it instead of lingering.
 */
const SETPRIV = '/usr/bin/setpriv';

/** Every socat this process started and has not reaped: killed on exit whatever happens. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Which symlink sits at `path`: its inode and change time, not its target. PTY numbers are
 * recycled at once, so a pair made under the same name right after this one's socat exited
 * can point at the very same /dev/pts/N; comparing targets once made a late dispose remove
 * that new pair's links (a test then saw LINK_OPEN_FAILED).
 */
function linkIdentity(path: string): string | null {
  try {
    const st = lstatSync(path, { bigint: true });
    return st.isSymbolicLink() ? `${st.dev}:${st.ino}:${st.ctimeNs}` : null;
  } catch {
    return null;
  }
}

export async function createPtyPair(dir: string, name: string, options: { readyTimeoutMs?: number } = {}): Promise<PtyPair> {
  const devicePath = join(dir, `dev-${name}`);
  const stationPath = join(dir, `station-${name}`);
  for (const p of [devicePath, stationPath]) if (existsSync(p)) rmSync(p, { force: true });
  installExitHook();
  const socatArgs = ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${stationPath}`];
  const [command, args] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', '--', SOCAT, ...socatArgs]] : [SOCAT, socatArgs];
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let exited = false;
  let stderr = '';
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  child.stderr?.on('data', (b: Buffer) => {
    // Only the start-up chatter matters for diagnostics; keep it bounded.
    if (stderr.length < 4096) stderr += b.toString();
  });
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
    exited = true;
    live.delete(child);
  });

  /** the identity of each link of this pair (linkIdentity), once both exist */
  const targets = new Map<string, string | null>();
  const dispose = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
      await exitedPromise;
      clearTimeout(killTimer);
    }
    // Only our own links: a device re-plugged under the same name may already have a new
    // socat whose links sit at these paths, and removing those would unplug it.
    for (const [p, id] of targets) if (id !== null && linkIdentity(p) === id) rmSync(p, { force: true });
  };

  // socat announces its PTYs on stderr, but the links are what we use: wait for both.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 5000);
  while (!(existsSync(devicePath) && existsSync(stationPath))) {
    if (spawnError !== undefined || exited || Date.now() > deadline) {
      // Said before dispose(), which makes `exited` true: a timeout is not socat's exit.
      const why =
        spawnError?.message ?? (exited ? `socat exited: ${stderr.trim()}` : `socat did not create the PTY links within ${options.readyTimeoutMs ?? 5000} ms`);
      // Whatever this socat managed to link is its own: removed with it.
      for (const p of [devicePath, stationPath]) targets.set(p, linkIdentity(p));
      await dispose();
      throw new DeviceError('LINK_OPEN_FAILED', `cannot create a PTY pair in ${dir}: ${why}`, { dir, name });
    }
    await new Promise((r) => setTimeout(r, 10));
  }

  targets.set(devicePath, linkIdentity(devicePath));
  targets.set(stationPath, linkIdentity(stationPath));
  return {
    devicePath,
    stationPath,
    pid: child.pid,
    get alive() {
      return !exited;
    },
    dispose,
  };
}
