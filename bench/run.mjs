#!/usr/bin/env node
// Benchmark harness: `npm run bench [-- --filter <text>] [-- --no-save]`.
//
// Loads every bench/*.bench.ts (through tsx), runs each case's warmup and timed calls,
// and reports median / p95 / mean operations per second plus, for every case, the ratio
// of its median rate to the median rate of its group's baseline measured in this same
// run. Results go to stdout as a table and to bench/results/<timestamp>.json and
// bench/results/latest.json. Case shape: bench/bench-case.ts.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const { register } = await import('tsx/esm/api');
register();

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
const DEFAULTS = { opsPerRun: 1, warmup: 3, iterations: 30, maxTimeMs: 5000 };
const MIN_SAMPLES = 3;

function parseArgs(argv) {
  const args = { filter: undefined, save: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--filter' || a === '-f') args.filter = argv[++i];
    else if (a.startsWith('--filter=')) args.filter = a.slice('--filter='.length);
    else if (a === '--no-save') args.save = false;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run bench [-- --filter <text>] [--no-save]\n  --filter  run cases whose file, group or name contains <text> (case-insensitive); their group baselines always run',
      );
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (args.filter === '') args.filter = undefined;
  return args;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(samplesNs, opsPerRun) {
  const ms = samplesNs.map((ns) => Number(ns) / 1e6).sort((a, b) => a - b);
  const mean = ms.reduce((s, x) => s + x, 0) / ms.length;
  const timesMs = { median: quantile(ms, 0.5), p95: quantile(ms, 0.95), mean, min: ms[0], max: ms[ms.length - 1] };
  const rate = (t) => (opsPerRun * 1000) / t;
  // p95 rate: the rate 95% of calls reached, i.e. the rate at the p95 call time.
  return { timesMs, opsPerSec: { median: rate(timesMs.median), p95: rate(timesMs.p95), mean: rate(mean) } };
}

async function measure(c) {
  const opsPerRun = c.opsPerRun ?? DEFAULTS.opsPerRun;
  const warmup = c.warmup ?? DEFAULTS.warmup;
  const iterations = c.iterations ?? DEFAULTS.iterations;
  const maxTimeMs = c.maxTimeMs ?? DEFAULTS.maxTimeMs;
  await c.setup?.();
  try {
    for (let i = 0; i < warmup; i++) await c.run();
    const samples = [];
    const deadline = process.hrtime.bigint() + BigInt(Math.round(maxTimeMs * 1e6));
    while (samples.length < iterations && (samples.length < MIN_SAMPLES || process.hrtime.bigint() < deadline)) {
      const t0 = process.hrtime.bigint();
      await c.run();
      samples.push(process.hrtime.bigint() - t0);
    }
    const metrics = c.metrics ? await c.metrics() : null;
    return { opsPerRun, warmup, samples: samples.length, ...summarize(samples, opsPerRun), metrics };
  } finally {
    await c.teardown?.();
  }
}

function fmtRate(x) {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

function fmtRatio(r) {
  if (r === null || !Number.isFinite(r)) return '—';
  if (r === 1) return '1 (baseline)';
  return r >= 1 ? `${r.toFixed(2)}× (faster)` : `${r.toFixed(3)}× (${(1 / r).toFixed(1)}× slower)`;
}

function printTable(rows) {
  const head = ['group', 'case', 'median ops/s', 'p95 ops/s', 'mean ops/s', 'vs baseline', 'n'];
  const body = rows.map((r) => [
    r.group,
    r.name,
    fmtRate(r.opsPerSec.median),
    fmtRate(r.opsPerSec.p95),
    fmtRate(r.opsPerSec.mean),
    fmtRatio(r.ratioToBaseline),
    String(r.samples),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = new Set([2, 3, 4, 6]);
  const line = (cells) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  let group;
  for (let i = 0; i < body.length; i++) {
    if (group !== undefined && rows[i].group !== group) console.log('');
    group = rows[i].group;
    console.log(line(body[i]));
  }
}

function machineFacts() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    sqlite: undefined,
    platform: process.platform,
    arch: process.arch,
    os: `${os.type()} ${os.release()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAvg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    tmpdir: os.tmpdir(),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { disposeSharedFixtures } = await import('./bench-case.ts');

  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error('\nbench: interrupted, cleaning up…');
    disposeSharedFixtures().finally(() => process.exit(130));
  });

  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const selected = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(BENCH_DIR, file)).href);
    const cases = mod.default;
    if (!Array.isArray(cases)) throw new Error(`${file} must default-export an array of benchmark cases`);
    const needle = args.filter?.toLowerCase();
    const hit = (c) => !needle || [basename(file, '.bench.ts'), c.group, c.name].some((s) => s.toLowerCase().includes(needle));
    const groups = new Set(cases.filter(hit).map((c) => c.group));
    for (const c of cases) {
      if (!groups.has(c.group) || !(hit(c) || c.baseline)) continue;
      selected.push({ file, case: c });
    }
    for (const g of groups) {
      const baselines = cases.filter((c) => c.group === g && c.baseline).length;
      if (baselines !== 1) throw new Error(`${file}: group "${g}" has ${baselines} baselines; it needs exactly one`);
    }
  }
  if (selected.length === 0) {
    console.error(`bench: no benchmark matches${args.filter ? ` "${args.filter}"` : ''} (files: ${files.join(', ') || 'none'})`);
    process.exit(1);
  }
  // Baselines first within each group, so a group's ratios are ready as soon as it ends.
  selected.sort((a, b) => (a.file === b.file && a.case.group === b.case.group ? Number(!!b.case.baseline) - Number(!!a.case.baseline) : 0));

  const startedAt = new Date();
  console.log(
    `bench: ${selected.length} case(s) from ${new Set(selected.map((s) => s.file)).size} file(s) on ${process.version}, ${os.cpus().length} CPU(s)\n`,
  );
  const results = [];
  try {
    for (const { file, case: c } of selected) {
      process.stdout.write(`  ${c.group} › ${c.name} … `);
      const t0 = Date.now();
      const m = await measure(c);
      console.log(`${fmtRate(m.opsPerSec.median)} ops/s (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      results.push({ file, group: c.group, name: c.name, baseline: !!c.baseline, description: c.description ?? null, ...m });
    }
  } finally {
    await disposeSharedFixtures();
  }
  for (const r of results) {
    const base = results.find((b) => b.file === r.file && b.group === r.group && b.baseline);
    r.ratioToBaseline = base ? r.opsPerSec.median / base.opsPerSec.median : null;
  }
  const finishedAt = new Date();

  console.log('');
  printTable(results);
  for (const r of results) {
    if (r.metrics)
      console.log(
        `${r.group} › ${r.name}: ${Object.entries(r.metrics)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
  }
  console.log(`\nvs baseline = median ops/s ÷ the group baseline's median ops/s in this run. Took ${((finishedAt - startedAt) / 1000).toFixed(1)} s.`);

  if (args.save) {
    const betterSqlite = await import('better-sqlite3').catch(() => null);
    const machine = machineFacts();
    if (betterSqlite) {
      const db = new betterSqlite.default(':memory:');
      machine.sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;
      db.close();
    }
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSec: (finishedAt - startedAt) / 1000,
      command: ['npm run bench', ...(args.filter ? ['--', '--filter', args.filter] : [])].join(' '),
      filter: args.filter ?? null,
      machine,
      results,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = startedAt.toISOString().replace(/:/g, '-'); // ':' is not allowed in Windows file names
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(join(RESULTS_DIR, `${stamp}.json`), json);
    writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
    console.log(`wrote bench/results/${stamp}.json and bench/results/latest.json`);
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
}
