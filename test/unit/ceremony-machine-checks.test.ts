import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coreDumpCheck, readCoreDumps, readSwap, swapCheck } from '../../main/ceremony/machine-checks.js';
import type { SystemRoots } from '../../main/system/mounts.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-machine-');
afterAll(() => tmp.dispose());
let n = 0;

/** A fake /proc, /sys and /dev: dm-0 is LUKS, dm-1 (the root filesystem) too, sda2 plain, zram0 compressed RAM. */
function machine(swaps: string, limits: string, corePattern: string): SystemRoots {
  const root = join(tmp.path, `m${++n}`);
  const roots = { proc: join(root, 'proc'), sys: join(root, 'sys'), dev: join(root, 'dev') };
  mkdirSync(join(roots.proc, 'self'), { recursive: true });
  mkdirSync(join(roots.proc, 'sys/kernel'), { recursive: true });
  mkdirSync(join(roots.dev, 'mapper'), { recursive: true });
  writeFileSync(join(roots.proc, 'swaps'), `Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n${swaps}`);
  writeFileSync(join(roots.proc, 'self/limits'), `Limit                     Soft Limit           Hard Limit           Units     \n${limits}\n`);
  writeFileSync(join(roots.proc, 'sys/kernel/core_pattern'), `${corePattern}\n`);
  writeFileSync(join(roots.proc, 'self/mountinfo'), '27 1 253:1 / / rw,relatime - ext4 /dev/mapper/root rw\n');
  for (const name of ['dm-0', 'dm-1', 'sda2', 'zram0']) {
    mkdirSync(join(roots.sys, 'class/block', name), { recursive: true });
    mkdirSync(join(roots.sys, 'block', name), { recursive: true });
    writeFileSync(join(roots.dev, name), '');
  }
  for (const dm of ['dm-0', 'dm-1']) {
    mkdirSync(join(roots.sys, 'block', dm, 'dm'), { recursive: true });
    writeFileSync(join(roots.sys, 'block', dm, 'dm/uuid'), `CRYPT-LUKS2-${dm}\n`);
  }
  symlinkSync('../dm-1', join(roots.dev, 'mapper/root'));
  return roots;
}

const LIMIT_OFF = 'Max core file size        0                    unlimited            bytes     ';
const LIMIT_ON = 'Max core file size        unlimited            unlimited            bytes     ';

describe('the ceremony machine: swap', () => {
  it('passes with no swap, or only dm-crypt / zram swap (a swap file on an encrypted root too)', () => {
    expect(swapCheck(readSwap(machine('', LIMIT_OFF, 'core')))).toEqual({ status: 'pass', summary: 'no swap' });
    const facts = readSwap(
      machine(
        '/dev/dm-0                               partition\t8388604\t\t0\t\t-2\n/dev/zram0 partition 100 0 100\n/hallmark-test-swapfile file 100 0 -3\n',
        LIMIT_OFF,
        'core',
      ),
    );
    expect(facts.areas.map((a) => [a.device, a.protection])).toEqual([
      ['/dev/dm-0', 'dm-crypt'],
      ['/dev/zram0', 'zram'],
      ['/hallmark-test-swapfile', 'dm-crypt'],
    ]);
    expect(swapCheck(facts).status).toBe('pass');
  });

  it('warns, with the fix, about swap that is not encrypted', () => {
    const check = swapCheck(readSwap(machine('/dev/sda2 partition 100 0 -2\n', LIMIT_OFF, 'core')));
    expect(check.status).toBe('warn');
    expect(check.summary).toContain('/dev/sda2 (partition, NOT encrypted)');
    expect(check.summary).toContain('swapoff -a');
  });
});

describe('the ceremony machine: core dumps', () => {
  it('passes with RLIMIT_CORE 0 and a file pattern', () => {
    const facts = readCoreDumps(machine('', LIMIT_OFF, 'core'));
    expect(facts).toEqual({ limitSoft: '0', limitHard: 'unlimited', corePattern: 'core', ok: true });
    expect(coreDumpCheck(facts).status).toBe('pass');
  });

  it('warns when core dumps are on, saying ulimit -c 0', () => {
    const check = coreDumpCheck(readCoreDumps(machine('', LIMIT_ON, 'core')));
    expect(check.status).toBe('warn');
    expect(check.summary).toContain('ulimit -c 0');
  });

  it('warns when dumps are piped to a program, which the limit does not stop', () => {
    const check = coreDumpCheck(readCoreDumps(machine('', LIMIT_OFF, '|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h')));
    expect(check.status).toBe('warn');
    expect(check.summary).toContain('piped to a program');
    expect(check.summary).toContain('Storage=none');
  });
});
