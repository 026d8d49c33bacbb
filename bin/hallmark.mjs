#!/usr/bin/env node
// The `hallmark` command. It runs the built CLI (out/cli/cli.js, `npm run build`) when
// that is newer than every source it was built from; otherwise — a checkout with no build,
// or sources edited since — the TypeScript CLI through tsx (a devDependency), so a stale
// build never runs. Hallmark's runtime is Node 22 (the `node` package pinned in
// package.json): when started by an older system Node, re-run on that one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import module, { createRequire } from 'node:module';

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

/** out/cli/cli.js when it exists and no source under main/ or preload/ (nor package.json) is newer. */
function builtCli() {
  const built = new URL('../out/cli/cli.js', import.meta.url);
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return null;
  }
  const newer = (url) => {
    for (const e of readdirSync(url, { withFileTypes: true })) {
      const child = new URL(e.name + (e.isDirectory() ? '/' : ''), url);
      if (e.isDirectory() ? newer(child) : statSync(child).mtimeMs > builtAt) return true;
    }
    return false;
  };
  for (const dir of ['../main/', '../preload/']) {
    const url = new URL(dir, import.meta.url);
    if (existsSync(url) && newer(url)) return null;
  }
  if (statSync(new URL('../package.json', import.meta.url)).mtimeMs > builtAt) return null;
  return built;
}

const built = builtCli();
let main;
if (built) {
  // V8 keeps the compiled bundle on disk (Node's compile cache, in the temp dir): later
  // starts skip parsing and compiling the megabyte of JavaScript most of the start costs.
  module.enableCompileCache?.();
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../main/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
