import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { blockDeviceName, isDmCrypt, mountOf, readMounts, SYSTEM_ROOTS, type SystemRoots } from '../system/mounts.js';

/**
 * Two facts about the ceremony machine that decide whether a key in memory can end up on a
 * disk: swap (pages of the process written out) and core dumps (the whole process written
 * out when it crashes). Neither stops a ceremony — a witness can judge a rehearsal machine —
 * but each is shown at pre-flight with what to do, and recorded in the transcript.
 */

export interface SwapArea {
  readonly device: string;
  /** partition or file, as /proc/swaps says */
  readonly type: string;
  /** dm-crypt: an encrypted block device (or a file on one); zram: compressed RAM, never on disk; none: plain */
  readonly protection: 'dm-crypt' | 'zram' | 'none';
}

export interface SwapFacts {
  readonly areas: readonly SwapArea[];
  /** no swap, or only encrypted / in-memory swap */
  readonly ok: boolean;
}

export interface CoreDumpFacts {
  /** RLIMIT_CORE of this process (soft, hard), as /proc/self/limits prints them */
  readonly limitSoft: string;
  readonly limitHard: string;
  /** /proc/sys/kernel/core_pattern */
  readonly corePattern: string;
  /** the soft limit is 0 and the pattern is not a pipe to a program */
  readonly ok: boolean;
}

export interface MachineCheck {
  readonly status: 'pass' | 'warn';
  readonly summary: string;
}

export function readSwap(roots: SystemRoots = SYSTEM_ROOTS): SwapFacts {
  let text = '';
  try {
    text = readFileSync(join(roots.proc, 'swaps'), 'utf8');
  } catch {
    // no /proc/swaps: no swap this process can see
  }
  const mounts = readMounts(roots);
  const areas = text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2 && f[0] !== '')
    .map(([rawDevice, type]) => {
      const device = rawDevice!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      return { device, type: type!, protection: swapProtection(device, type!, roots, mounts) };
    });
  return { areas, ok: areas.every((a) => a.protection !== 'none') };
}

function swapProtection(device: string, type: string, roots: SystemRoots, mounts: ReturnType<typeof readMounts>): SwapArea['protection'] {
  let name: string | null;
  if (type === 'file') {
    let real = device;
    try {
      real = realpathSync(device);
    } catch {
      // judged by its name
    }
    const m = mountOf(real, mounts);
    name = m ? blockDeviceName(m.source, roots) : null;
  } else {
    name = blockDeviceName(device, roots) ?? (device.startsWith('/dev/') ? device.slice('/dev/'.length) : null);
  }
  if (name === null) return 'none';
  if (name.startsWith('zram')) return 'zram';
  return encrypted(name, roots, 0) ? 'dm-crypt' : 'none';
}

/** dm-crypt itself, or a device-mapper device (LVM) every one of whose slaves is encrypted. */
function encrypted(name: string, roots: SystemRoots, depth: number): boolean {
  if (depth > 8) return false;
  if (isDmCrypt(name, roots)) return true;
  let slaves: string[];
  try {
    slaves = readdirSync(join(roots.sys, 'block', name, 'slaves'));
  } catch {
    return false;
  }
  return slaves.length > 0 && slaves.every((s) => encrypted(s, roots, depth + 1));
}

export function readCoreDumps(roots: SystemRoots = SYSTEM_ROOTS): CoreDumpFacts {
  let limitSoft = 'unknown';
  let limitHard = 'unknown';
  try {
    const line = readFileSync(join(roots.proc, 'self/limits'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max core file size'));
    const f = line?.slice('Max core file size'.length).trim().split(/\s+/);
    if (f && f.length >= 2) [limitSoft, limitHard] = [f[0]!, f[1]!];
  } catch {
    // not Linux: unknown
  }
  let corePattern = 'unknown';
  try {
    corePattern = readFileSync(join(roots.proc, 'sys/kernel/core_pattern'), 'utf8').replace(/\n$/, '');
  } catch {
    // unknown
  }
  return { limitSoft, limitHard, corePattern, ok: limitSoft === '0' && !corePattern.startsWith('|') };
}

export function swapCheck(facts: SwapFacts): MachineCheck {
  if (facts.areas.length === 0) return { status: 'pass', summary: 'no swap' };
  const list = facts.areas
    .map((a) => `${a.device} (${a.type}, ${a.protection === 'none' ? 'NOT encrypted' : a.protection === 'zram' ? 'zram, in memory' : 'dm-crypt'})`)
    .join(', ');
  if (facts.ok) return { status: 'pass', summary: `swap only encrypted or in memory: ${list}` };
  return {
    status: 'warn',
    summary: `swap that is not encrypted: ${list} — memory holding key material can be written to it; run \`swapoff -a\` before the ceremony, or use encrypted swap (dm-crypt, e.g. a random-key swap in /etc/crypttab)`,
  };
}

export function coreDumpCheck(facts: CoreDumpFacts): MachineCheck {
  const limit = `RLIMIT_CORE ${facts.limitSoft} (hard ${facts.limitHard})`;
  const pattern = `core_pattern ${JSON.stringify(facts.corePattern)}`;
  if (facts.ok) return { status: 'pass', summary: `core dumps off: ${limit}, ${pattern}` };
  if (facts.corePattern.startsWith('|')) {
    return {
      status: 'warn',
      summary: `core dumps are piped to a program (${pattern}), which the kernel runs even with \`ulimit -c 0\` (${limit}): disable it for the ceremony (systemd-coredump: Storage=none in /etc/systemd/coredump.conf; or \`sysctl kernel.core_pattern=core\`) and start Hallmark after \`ulimit -c 0\``,
    };
  }
  return {
    status: 'warn',
    summary: `core dumps are on (${limit}, ${pattern}): a crash would write the process's memory, keys included, to disk; start Hallmark from a shell after \`ulimit -c 0\``,
  };
}
