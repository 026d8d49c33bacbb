import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKCS11_MODULES_ENV } from '../../main/keys/pkcs11/pkcs11-module-policy.js';
import { tempDir } from './temp-dir.js';
import { requiredTool } from './required-tool.js';

/**
 * A throw-away SoftHSM2 with freshly initialized tokens, for tests and benchmarks.
 *
 * One per process, created before the first PKCS#11 call. SoftHSM reads SOFTHSM2_CONF
 * (and scans its token directory) only in C_Initialize, and Hallmark's module registry
 * initializes the library once per process and keeps it initialized while any key or
 * lease is open. So a second configuration in the same process would be silently
 * ignored; this fixture refuses to create one while another is live. Vitest runs each
 * test file in its own worker, so the rule is: one `createSoftHsm()` per test file, in
 * `beforeAll`, with every token the file needs, and `dispose()` in `afterAll` after all
 * keys are closed.
 */

export interface SoftHsmToken {
  readonly label: string;
  readonly serial: string;
  readonly pin: string;
  readonly soPin: string;
}

export interface SoftHsm {
  /** the SOFTHSM2_CONF file (also set in process.env while the fixture lives, with the module on HALLMARK_PKCS11_MODULES) */
  readonly conf: string;
  readonly modulePath: string;
  readonly tokens: readonly SoftHsmToken[];
  /** removes the token directory and restores SOFTHSM2_CONF */
  dispose(): void;
}

const MODULE_CANDIDATES = [
  process.env.SOFTHSM2_MODULE,
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

/** The SoftHSM2 library, or undefined when SoftHSM is not installed. */
export function findSoftHsmModule(): string | undefined {
  return MODULE_CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

/** SoftHSM2 is installed; under CI=true its absence throws (required-tool.ts). */
export function softHsmAvailable(): boolean {
  let present = findSoftHsmModule() !== undefined;
  if (present) {
    try {
      execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
    } catch {
      present = false;
    }
  }
  return requiredTool(present, 'SoftHSM2 (libsofthsm2.so and softhsm2-util)', 'softhsm2');
}

let live: string | undefined;

/** SoftHSM's PINs must be 4..255 characters. */
export function createSoftHsm(tokens: ReadonlyArray<{ label: string; pin?: string; soPin?: string }>): SoftHsm {
  if (live) throw new Error(`a SoftHSM fixture (${live}) is already live in this process; SoftHSM reads its configuration once per process`);
  const modulePath = findSoftHsmModule();
  if (!modulePath) throw new Error('SoftHSM2 is not installed (no libsofthsm2.so found)');
  const dir = tempDir('hallmark-softhsm-');
  const tokenDir = join(dir.path, 'tokens');
  mkdirSync(tokenDir);
  const conf = join(dir.path, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const previous = process.env.SOFTHSM2_CONF;

  const made: SoftHsmToken[] = [];
  try {
    for (const t of tokens) {
      const pin = t.pin ?? '123456';
      const soPin = t.soPin ?? '12345678';
      const before = new Set(serials(env));
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', t.label, '--pin', pin, '--so-pin', soPin], { env, stdio: 'pipe' });
      // Labels may repeat on purpose (ambiguity tests), so the new token is the serial not seen before.
      const fresh = serials(env).filter((s) => !before.has(s));
      if (fresh.length !== 1 || fresh[0] === undefined) throw new Error(`softhsm2-util created ${fresh.length} tokens for label ${t.label}`);
      made.push({ label: t.label, serial: fresh[0], pin, soPin });
    }
  } catch (e) {
    dir.dispose();
    throw e;
  }

  process.env.SOFTHSM2_CONF = conf;
  // The administrator's allow-list of PKCS#11 modules (main/keys/pkcs11/pkcs11-module-policy.ts),
  // as the main process's environment gives it: inherited by every CLI and test host this process starts.
  const previousModules = process.env[PKCS11_MODULES_ENV];
  process.env[PKCS11_MODULES_ENV] = [modulePath, ...(previousModules ?? '').split(':').filter((p) => p !== '' && p !== modulePath)].join(':');
  live = conf;
  let disposed = false;
  return {
    conf,
    modulePath,
    tokens: made,
    dispose() {
      if (disposed) return;
      disposed = true;
      live = undefined;
      if (previous === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = previous;
      if (previousModules === undefined) delete process.env[PKCS11_MODULES_ENV];
      else process.env[PKCS11_MODULES_ENV] = previousModules;
      dir.dispose();
    },
  };
}

/** Serial numbers of the initialized tokens, from `softhsm2-util --show-slots`. */
function serials(env: NodeJS.ProcessEnv): string[] {
  const out = execFileSync('softhsm2-util', ['--show-slots'], { env, encoding: 'utf8' });
  const found: string[] = [];
  for (const m of out.matchAll(/Serial number:\s*(\S+)\s*\n\s*Initialized:\s*yes/g)) {
    if (m[1]) found.push(m[1]);
  }
  return found;
}
