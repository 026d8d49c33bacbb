import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { pathOnRemovableMedia } from '../../system/mounts.js';
import { KeyError } from '../key-errors.js';

/**
 * Loading a PKCS#11 module is running its code in this process (its constructors run at
 * dlopen). So a module is loaded only from where the machine's administrator put it:
 *
 * 1. the path is absolute (a relative one is never resolved, against a binding's folder or
 *    anything else);
 * 2. it is on the allow-list: the main process's environment (`HALLMARK_PKCS11_MODULES`,
 *    colon-separated absolute paths) or the workspace's setting (`hallmark pkcs11-module
 *    allow PATH`). A binding, a CLI option or the renderer can only *name* a module; naming
 *    one that is not listed is refused with `PKCS11_MODULE_NOT_ALLOWED`;
 * 3. the file is safe (`PKCS11_MODULE_UNSAFE` otherwise): a regular file owned by root and
 *    not writable by group or others, in directories — every one from it up to `/`, of the
 *    named path and of the path it resolves to — owned by root and not writable by group or
 *    others, and not on removable media (main/system/mounts.ts: under /media, /run/media or
 *    /mnt; on FAT/exFAT/NTFS/ISO 9660/UDF/HFS or FUSE; or on a block device that is
 *    removable, USB-attached, or stacked on / backed by one).
 *
 * `checkPkcs11Module` is the one check every loader calls (ceremony pre-flight and runs,
 * station unlock, the CLI's key options). It also records the module as vetted for this
 * process; the module registry refuses to load anything that was not (or that is not on the
 * environment's list), and checks the file's safety again just before `dlopen`.
 */

export const PKCS11_MODULES_ENV = 'HALLMARK_PKCS11_MODULES';

export interface Pkcs11ModuleAllowList {
  /** where each listed path comes from, for error messages */
  readonly entries: readonly { readonly path: string; readonly from: 'environment' | 'workspace' }[];
}

/** The environment's list: HALLMARK_PKCS11_MODULES split on ':' (empty parts ignored). */
export function pkcs11ModulesFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env[PKCS11_MODULES_ENV] ?? '').split(':').filter((p) => p !== '');
}

export function pkcs11AllowList(env: NodeJS.ProcessEnv, workspaceModules: readonly string[] = []): Pkcs11ModuleAllowList {
  return {
    entries: [
      ...pkcs11ModulesFromEnv(env).map((path) => ({ path, from: 'environment' as const })),
      ...workspaceModules.map((path) => ({ path, from: 'workspace' as const })),
    ],
  };
}

const vetted = new Set<string>();

/**
 * Refuses a module that is not absolute, not on the allow-list or not safe, before anything
 * loads it; returns the path it resolves to.
 */
export function checkPkcs11Module(modulePath: string, allow: Pkcs11ModuleAllowList): string {
  if (!isAbsolute(modulePath)) {
    throw new KeyError(
      'PKCS11_MODULE_UNSAFE',
      `the PKCS#11 module path ${modulePath} is not absolute; a module is named by its full path (relative paths are not resolved)`,
      'input',
      { path: modulePath },
    );
  }
  const real = realOrNull(modulePath);
  const listed = allow.entries.some((e) => isAbsolute(e.path) && (e.path === modulePath || (real !== null && realOrNull(e.path) === real)));
  if (!listed) {
    const sources = `${PKCS11_MODULES_ENV} in the environment${allow.entries.length ? ` (${allow.entries.map((e) => e.path).join(', ')})` : ''} or the workspace setting (hallmark pkcs11-module allow PATH)`;
    throw new KeyError(
      'PKCS11_MODULE_NOT_ALLOWED',
      `the PKCS#11 module ${modulePath} is not on this machine's allow-list; refused before loading it. The administrator lists modules in ${sources}`,
      'input',
      {
        path: modulePath,
      },
    );
  }
  const checked = assertSafePkcs11ModuleFile(modulePath);
  vetted.add(checked);
  return checked;
}

/**
 * The file rules of a module (rule 3 above), without the allow-list: for `hallmark
 * pkcs11-module allow`, and for the registry just before it loads a vetted module.
 */
export function assertSafePkcs11ModuleFile(modulePath: string): string {
  const unsafe = (why: string): KeyError =>
    new KeyError('PKCS11_MODULE_UNSAFE', `the PKCS#11 module ${modulePath} is not loaded: ${why}`, 'input', { path: modulePath });
  if (!isAbsolute(modulePath)) throw unsafe('its path is not absolute');
  let real: string;
  let st: Stats;
  try {
    real = realpathSync(modulePath);
    st = statSync(real);
  } catch (e) {
    throw new KeyError(
      'PKCS11_MODULE',
      `cannot find the PKCS#11 module ${modulePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'environment',
      { path: modulePath },
    );
  }
  if (!st.isFile()) throw unsafe(`${real} is not a regular file`);
  if (st.uid !== 0) throw unsafe(`${real} is owned by uid ${st.uid}, not root`);
  if ((st.mode & 0o022) !== 0) throw unsafe(`${real} is writable by ${whoCanWrite(st.mode)} (mode ${(st.mode & 0o7777).toString(8)})`);
  // The link itself (when the named path is one) and every directory above both names.
  const link = lstatOrNull(modulePath);
  if (link?.isSymbolicLink() && link.uid !== 0) throw unsafe(`the symbolic link ${modulePath} is owned by uid ${link.uid}, not root`);
  for (const dir of new Set([...ancestors(modulePath), ...ancestors(real)])) {
    const d = lstatOrNull(dir);
    if (d === null) throw unsafe(`its folder ${dir} cannot be read`);
    if (d.isSymbolicLink()) {
      if (d.uid !== 0) throw unsafe(`its folder ${dir} is a symbolic link owned by uid ${d.uid}, not root`);
      continue;
    }
    if (d.uid !== 0) throw unsafe(`its folder ${dir} is owned by uid ${d.uid}, not root`);
    if ((d.mode & 0o022) !== 0) throw unsafe(`its folder ${dir} is writable by ${whoCanWrite(d.mode)} (mode ${(d.mode & 0o7777).toString(8)})`);
  }
  for (const p of new Set([modulePath, real])) {
    const v = pathOnRemovableMedia(p);
    if (v.removable) throw unsafe(`${p} is on removable media: ${v.why}`);
  }
  return real;
}

/**
 * For the registry, just before `dlopen`: the module passed `checkPkcs11Module` in this
 * process, or is on the environment's list; and its file is still safe.
 */
export function assertLoadablePkcs11Module(modulePath: string, env: NodeJS.ProcessEnv = process.env): void {
  const real = realOrNull(modulePath);
  if (real !== null && vetted.has(real)) {
    assertSafePkcs11ModuleFile(modulePath);
    return;
  }
  checkPkcs11Module(modulePath, pkcs11AllowList(env));
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  let d = dirname(path);
  for (;;) {
    out.push(d);
    const up = dirname(d);
    if (up === d) return out;
    d = up;
  }
}

function whoCanWrite(mode: number): string {
  return [(mode & 0o020) !== 0 ? 'its group' : null, (mode & 0o002) !== 0 ? 'others' : null].filter((x) => x !== null).join(' and ');
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}
