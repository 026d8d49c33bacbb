import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKCS11_MODULES_ENV } from '../../main/keys/pkcs11/pkcs11-module-policy.js';
import { tempDir } from './temp-dir.js';

/**
 * An NSS softokn database used as a PKCS#11 token (../shared/TOKENS.md): a directory made
 * by `certutil -N`, opened by libsoftokn3.so with `libraryParameters` naming it. Its key
 * slot is slot 2, "NSS Certificate DB", which needs a login with the database password.
 * Every NSS token reports serial 0000000000000000, and slot 1 (crypto only) shares it, so
 * bindings name the label or slot as well.
 *
 * One per test file: the library is initialized once per process with one directory.
 * NSS_MAX_MP_PBE_ITERATION_COUNT=1 (at creation and in process.env) keeps each signature
 * from re-deriving the password key thousands of times.
 */

export const NSS_SOFTOKN_MODULE = '/usr/lib/x86_64-linux-gnu/libsoftokn3.so';
export const NSS_KEY_SLOT = 2;
export const NSS_KEY_TOKEN_LABEL = 'NSS Certificate DB';

export function nssMissing(): string[] {
  const missing: string[] = [];
  if (!existsSync(NSS_SOFTOKN_MODULE)) missing.push(NSS_SOFTOKN_MODULE);
  try {
    execFileSync('sh', ['-c', 'command -v certutil'], { stdio: 'ignore' });
  } catch {
    missing.push('certutil (libnss3-tools)');
  }
  return missing;
}

export interface NssToken {
  readonly modulePath: string;
  readonly libraryParameters: string;
  readonly slot: number;
  readonly label: string;
  readonly serial: string;
  readonly pin: string;
  readonly dir: string;
  dispose(): void;
}

export function createNssToken(opts: { pin?: string } = {}): NssToken {
  const missing = nssMissing();
  if (missing.length > 0) throw new Error(`the NSS token fixture needs ${missing.join(', ')} (apt: libnss3 libnss3-tools)`);
  const pin = opts.pin ?? 'nss-pin-1234';
  const dir = tempDir('hallmark-nss-');
  const db = join(dir.path, 'db');
  const pwfile = join(dir.path, 'password');
  writeFileSync(pwfile, `${pin}\n`, { mode: 0o600 });
  mkdirSync(db);
  const previousIter = process.env.NSS_MAX_MP_PBE_ITERATION_COUNT;
  try {
    execFileSync('certutil', ['-N', '-d', `sql:${db}`, '-f', pwfile], { env: { ...process.env, NSS_MAX_MP_PBE_ITERATION_COUNT: '1' }, stdio: 'pipe' });
  } catch (e) {
    dir.dispose();
    throw e;
  }
  process.env.NSS_MAX_MP_PBE_ITERATION_COUNT = '1';
  const previousModules = process.env[PKCS11_MODULES_ENV];
  process.env[PKCS11_MODULES_ENV] = [NSS_SOFTOKN_MODULE, ...(previousModules ?? '').split(':').filter((p) => p !== '' && p !== NSS_SOFTOKN_MODULE)].join(':');
  let disposed = false;
  return {
    modulePath: NSS_SOFTOKN_MODULE,
    libraryParameters: `configdir='sql:${db}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`,
    slot: NSS_KEY_SLOT,
    label: NSS_KEY_TOKEN_LABEL,
    serial: '0000000000000000',
    pin,
    dir: db,
    dispose() {
      if (disposed) return;
      disposed = true;
      if (previousIter === undefined) delete process.env.NSS_MAX_MP_PBE_ITERATION_COUNT;
      else process.env.NSS_MAX_MP_PBE_ITERATION_COUNT = previousIter;
      if (previousModules === undefined) delete process.env[PKCS11_MODULES_ENV];
      else process.env[PKCS11_MODULES_ENV] = previousModules;
      dir.dispose();
    },
  };
}
