#!/usr/bin/env node
// The `hallmark` command. It runs the TypeScript CLI directly (through tsx), so it works
// right after `npm ci` with no build. Hallmark's runtime is Node 22 (the `node` package
// pinned in package.json): when started by an older system Node, re-run on that one.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const require = createRequire(import.meta.url);
  let node22;
  try {
    node22 = require.resolve('node/bin/node');
  } catch {
    process.stderr.write(`error: RUNTIME: Hallmark needs Node 22 or later (this is ${process.version}); run \`npm ci\` first\n`);
    process.exit(2);
  }
  const r = spawnSync(node22, [import.meta.filename ?? new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 2);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
