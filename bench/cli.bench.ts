import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineBenchmarks } from './bench-case.js';

/**
 * `hallmark --version` as a process, the way a QA script looping over folders starts it:
 * through bin/hallmark.mjs on the built CLI (out/cli, rebuilt in setup so it is newer than
 * the sources), through tsx as before, against a bare `node -e ''` (the floor).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

export default defineBenchmarks([
  {
    name: "node -e ''",
    group: 'cli-start',
    baseline: true,
    description: 'a bare Node 22 process start and exit: what no CLI can go below',
    iterations: 10,
    warmup: 1,
    run: () => void run(['-e', '']),
  },
  {
    name: 'hallmark --version (built CLI)',
    group: 'cli-start',
    description:
      'bin/hallmark.mjs → out/cli/cli.js (esbuild bundle, packages external, V8 compile cache), the staleness check over main/ and preload/ included',
    iterations: 10,
    warmup: 2,
    setup() {
      run([join(ROOT, 'scripts/build-cli.mjs')]);
    },
    run() {
      if (!/^\d+\.\d+\.\d+/.test(run([join(ROOT, 'bin/hallmark.mjs'), '--version']))) throw new Error('no version printed');
    },
  },
  {
    name: 'hallmark --version (TypeScript through tsx)',
    group: 'cli-start',
    description:
      'the CLI from its sources, transpiled by tsx at every start (what bin/hallmark.mjs did before, and still does when the build is missing or stale)',
    iterations: 5,
    warmup: 1,
    run() {
      if (!/^\d+\.\d+\.\d+/.test(run([join(ROOT, 'bench/cli-source-start.mjs'), '--version']))) throw new Error('no version printed');
    },
  },
]);
