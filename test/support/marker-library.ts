import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredTool } from './required-tool.js';

/**
 * A shared library compiled at test time (gcc) whose constructor writes a marker file: if
 * anything ever dlopens it, the marker exists. Stands in for a "PKCS#11 module" a hostile
 * medium brings along with its binding.
 */
export interface MarkerLibrary {
  readonly path: string;
  readonly marker: string;
  /** true once the library's constructor has run in any process */
  loaded(): boolean;
}

/** gcc is installed; under CI=true its absence throws (required-tool.ts). */
export function gccAvailable(): boolean {
  let present = true;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
  } catch {
    present = false;
  }
  return requiredTool(present, 'gcc', 'gcc');
}

export function buildMarkerLibrary(dir: string, name = 'libpkcs11-medium.so'): MarkerLibrary {
  const marker = join(dir, `${name}.LOADED`);
  const source = join(dir, `${name}.c`);
  writeFileSync(
    source,
    `#include <stdio.h>\n__attribute__((constructor)) static void hallmark_marker(void) {\n  FILE *f = fopen(${JSON.stringify(marker)}, "w");\n  if (f) { fputs("constructor ran\\n", f); fclose(f); }\n}\nint C_GetFunctionList(void *p) { (void)p; return 5; }\n`,
  );
  const path = join(dir, name);
  execFileSync('gcc', ['-shared', '-fPIC', '-o', path, source], { stdio: 'pipe' });
  return { path, marker, loaded: () => existsSync(marker) };
}

/** Proves the marker works: dlopen the library in a throw-away python3 process (never in the test's). */
export function dlopenInChild(path: string): void {
  execFileSync('python3', ['-c', 'import ctypes, sys; ctypes.CDLL(sys.argv[1])', path], { stdio: 'pipe' });
}
