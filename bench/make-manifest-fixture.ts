/**
 * `npx tsx bench/make-manifest-fixture.ts OUT_DIR`: builds the manifest benchmark's work
 * order (HALLMARK_BENCH_MANIFEST_DEVICES, default 100,000) once and leaves OUT_DIR/out
 * (manifest.json, manifest.json.p7s), OUT_DIR/root.pem and OUT_DIR/plan.csv, so
 * `hallmark manifest verify` can be measured as its own process (peak RSS with
 * `/usr/bin/time -v`) on the same files before and after a change. Building takes minutes.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createManifestFixture, disposeManifestFixture } from './manifest-fixture.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: npx tsx bench/make-manifest-fixture.ts OUT_DIR');
  process.exit(2);
}
if (existsSync(join(out, 'out'))) {
  console.error(`${out}/out already exists`);
  process.exit(2);
}
const f = await createManifestFixture();
try {
  mkdirSync(join(out, 'out'), { recursive: true });
  for (const name of ['manifest.json', 'manifest.json.p7s']) copyFileSync(join(f.dir, name), join(out, 'out', name));
  copyFileSync(f.m.rootPem, join(out, 'root.pem'));
  copyFileSync(f.planCsv, join(out, 'plan.csv'));
} finally {
  disposeManifestFixture(f);
}
console.error(`wrote ${out}/out, ${out}/root.pem, ${out}/plan.csv`);
