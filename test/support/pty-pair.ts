import { execFileSync } from 'node:child_process';
import { createPtyPair, type PtyPair } from '../../main/devices/simulator/pty-pair.js';
import { tempDir } from './temp-dir.js';

/**
 * PTY pairs for a test file: `pair()` makes one (socat), `disposeAll()` kills every socat
 * this fixture started and removes the directory. Call disposeAll in afterAll (or a finally).
 */
export function ptyPairs(prefix = 'hallmark-pty-'): { dir: string; pair(): Promise<PtyPair>; disposeAll(): Promise<void> } {
  const dir = tempDir(prefix);
  const pairs: PtyPair[] = [];
  let n = 0;
  return {
    dir: dir.path,
    async pair() {
      const p = await createPtyPair(dir.path, String(++n));
      pairs.push(p);
      return p;
    },
    async disposeAll() {
      await Promise.all(pairs.map((p) => p.dispose()));
      dir.dispose();
    },
  };
}

/** The pids of running socat processes whose command line mentions `needle` (for leak checks). */
export function socatPidsMentioning(needle: string): number[] {
  let out: string;
  try {
    out = execFileSync('pgrep', ['-f', '-a', 'socat'], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('pgrep'))
    .map((l) => Number(l.split(' ')[0]));
}
