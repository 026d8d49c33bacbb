// `npm run build` builds the `hallmark` command too: main/cli.ts and the core worker
// (main/workers/core-worker.ts) bundled to out/cli/ as ESM for Node 22, every package left
// external (node_modules ships beside it), so `hallmark` starts from JavaScript instead of
// transpiling TypeScript through tsx at every start. bin/hallmark.mjs runs out/cli/cli.js
// when it is newer than every source it was built from.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--outdir DIR`: elsewhere (test/integration/compiled-cli.test.ts builds its own copy)
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? process.argv[at + 1] : 'out/cli';
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'main/cli.ts', 'core-worker': 'main/workers/core-worker.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  define: { __HALLMARK_VERSION__: JSON.stringify(version) },
});
