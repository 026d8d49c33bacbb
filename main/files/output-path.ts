import { realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HallmarkError } from '../errors/hallmark-error.js';

/**
 * Where an output (a QA report, a calendar, a ceremony's output folder) may be written.
 *
 * The path comes from a main-side dialog (the app) or an argument (the CLI), never from the
 * renderer; this decides what is done with it: the extension is forced (`report` →
 * `report.html`, `x.txt` → `x.txt.html`), and a place inside the workspace home is refused
 * — judged on the real path of the nearest existing ancestor, so a symlink on the way
 * (`/media/stick/link` → `~/.hallmark/keys`) cannot reach in. A report saved as
 * `keys/future-key.p8.pem` once squatted a key file's name; it is refused here.
 */

export type OutputPathCode = 'OUTPUT_INSIDE_WORKSPACE' | 'OUTPUT_PATH_FROM_RENDERER' | 'OUTPUT_NOT_CHOSEN' | 'OUTPUT_PATH_INVALID';

export class OutputPathError extends HallmarkError {
  constructor(
    code: OutputPathCode,
    message: string,
    readonly path?: string,
  ) {
    super(code, message, 'input', path !== undefined ? { path } : undefined);
    this.name = 'OutputPathError';
  }
}

/** `path` with `.ext` appended unless it already ends so (case-insensitive). */
export function withExtension(path: string, ext: string): string {
  const want = `.${ext.replace(/^\./, '')}`;
  return extname(path).toLowerCase() === want.toLowerCase() ? path : `${path}${want}`;
}

/**
 * The real path `path` would have: the realpath of its nearest existing ancestor joined
 * with the components that do not exist yet (a ceremony's output folder may be created).
 */
export function realPathOf(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return join(realpathSync(at), ...rest.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new OutputPathError('OUTPUT_PATH_INVALID', `cannot resolve ${path} (${code ?? (e as Error).message})`, path);
      const parent = dirname(at);
      if (parent === at) return abs;
      rest.push(basename(at));
      at = parent;
    }
  }
}

function inside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Refuses an output inside the workspace home (either compared by its real path); returns `path` resolved. */
export function assertOutsideHome(path: string, home: string, what: string): string {
  const abs = resolve(path);
  const real = realPathOf(abs);
  const realHome = realPathOf(home);
  if (inside(abs, resolve(home)) || inside(real, realHome)) {
    throw new OutputPathError(
      'OUTPUT_INSIDE_WORKSPACE',
      `${abs}${real !== abs ? ` (really ${real})` : ''} is inside the workspace ${realHome}; ${what} is never written there — choose a folder on the output medium`,
      abs,
    );
  }
  return abs;
}

/** A chosen file for `what`: absolute, its extension forced, outside the workspace home. */
export function outputFile(chosen: string, options: { extension: string; home: string; what: string }): string {
  if (chosen.includes('\0') || chosen.trim() === '') throw new OutputPathError('OUTPUT_PATH_INVALID', `no usable path for ${options.what}`);
  const path = withExtension(resolve(chosen), options.extension);
  return assertOutsideHome(path, options.home, options.what);
}

/** A chosen folder for `what`: absolute and outside the workspace home. */
export function outputFolder(chosen: string, options: { home: string; what: string }): string {
  if (chosen.includes('\0') || chosen.trim() === '') throw new OutputPathError('OUTPUT_PATH_INVALID', `no usable folder for ${options.what}`);
  return assertOutsideHome(resolve(chosen), options.home, options.what);
}

/** The renderer named an output path itself: refused, whatever it is. */
export function refuseRendererPath(field: string, what: string): never {
  throw new OutputPathError(
    'OUTPUT_PATH_FROM_RENDERER',
    `${field}: ${what} is written where the save dialog of the main process puts it; a path sent by the window is refused`,
  );
}
