import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/run-cli.js';
import { syntheticManifest, type SyntheticManifest } from '../support/synthetic-manifest.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-compiled-cli-');
let out: string;
let m: SyntheticManifest;

beforeAll(async () => {
  // inside the checkout, so the bundle finds node_modules as out/cli/ does
  mkdirSync(join(REPO_ROOT, 'out'), { recursive: true });
  out = mkdtempSync(join(REPO_ROOT, 'out', '.cli-test-'));
  const b = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs'), '--outdir', out], { encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  // over the pool threshold (2 MiB), so the bundled core worker verifies the signatures
  m = await syntheticManifest(join(tmp.path, 'm'), 2500, { badSignatureAt: [1234] });
}, 60_000);
afterAll(() => {
  tmp.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The built CLI run as bin/hallmark.mjs runs it: plain Node, no tsx anywhere. */
const runBuilt = (args: string[]) =>
  spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'cli.js')).href)}); process.exitCode = await main(${JSON.stringify(args)});`,
    ],
    {
      cwd: tmp.path,
      encoding: 'utf8',
      env: { ...process.env, HALLMARK_HOME: '', NODE_OPTIONS: '' },
    },
  );

describe('the compiled CLI (scripts/build-cli.mjs → out/cli)', () => {
  it('bundles the CLI and the core worker side by side', () => {
    expect(existsSync(join(out, 'cli.js'))).toBe(true);
    expect(existsSync(join(out, 'core-worker.js'))).toBe(true);
    const v = runBuilt(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('verifies a manifest with its signatures on the bundled worker pool, naming the bad one', () => {
    const r = runBuilt(['manifest', 'verify', m.dir, '--trust', m.rootPem, '--plan', m.planCsv, '--json']);
    expect(r.stderr).toMatch(/MANIFEST_VERIFY_FAILED: 1 check\(s\) failed: devices\.certificate-signature/);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { devices: number; checks: { name: string; status: string; details: string[] }[] };
    expect(report.devices).toBe(2500);
    const sig = report.checks.find((c) => c.name === 'devices.certificate-signature')!;
    expect(sig.details).toHaveLength(1);
    expect(sig.details[0]).toMatch(/^HM-000001235 /);
  });
});
