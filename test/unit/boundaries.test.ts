import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's rules as a test (docs/ARCHITECTURE.md): who may import the database
 * driver and Electron, what the renderer may see, that SQL stays in the store, and that a
 * lower room never imports a higher one — the order written once, in docs/rooms.json.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Import {
  readonly file: string; // relative to the repository, with '/'
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p.split(sep).join('/'));
  }
  return out;
}

// static import / export … from (type-only or not), import('…'), and require('…') or createRequire(…)('…'), which reach a module past the static forms
const IMPORT =
  /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\b(?:require|createRequire\([^)]*\))\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsIn(file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4] ?? m[5]!;
    out.push({ file, specifier, typeOnly: m[2] !== undefined, line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

const importsOf = (file: string): Import[] => importsIn(file, readFileSync(join(ROOT, file), 'utf8'));

/** The repository-relative path a relative specifier points at (extension as written). */
function target(i: Import): string | null {
  if (!i.specifier.startsWith('.')) return null;
  return normalize(join(dirname(i.file), i.specifier))
    .split(sep)
    .join('/');
}

const MAIN = sources('main');
const PRELOAD = sources('preload');
const RENDERER = sources('renderer/src');
/** Pure data the renderer shows (the words of every error code): main/errors/error-catalogue.ts. */
const SHARED_WITH_RENDERER = 'main/errors/error-catalogue.js';
const at = (i: Import) => `${i.file}:${i.line} imports ${i.specifier}`;

describe('architecture boundaries', () => {
  it('only the store imports the database drivers (SQLite and PostgreSQL)', () => {
    const drivers = /^(better-sqlite3|pg|pg-[a-z-]+)(\/|$)/;
    const bad = [...MAIN, ...PRELOAD, ...RENDERER].flatMap(importsOf).filter((i) => drivers.test(i.specifier) && !i.file.startsWith('main/store/'));
    expect(bad.map(at)).toEqual([]);
  });

  it('only the shell, the IPC binding and the preload import Electron', () => {
    const allowed = (f: string) => f === 'main/index.ts' || f === 'main/ipc.ts' || f.startsWith('main/shell/') || f.startsWith('preload/');
    const bad = [...MAIN, ...PRELOAD, ...RENDERER]
      .flatMap(importsOf)
      .filter((i) => (i.specifier === 'electron' || i.specifier.startsWith('electron/')) && !allowed(i.file));
    expect(bad.map(at)).toEqual([]);
  });

  it('the renderer imports React, its own files, the contract’s types and the error catalogue — nothing else', () => {
    const bad = RENDERER.flatMap(importsOf).filter((i) => {
      if (['react', 'react-dom/client', 'react/jsx-runtime'].includes(i.specifier)) return false;
      const t = target(i);
      if (t === null) return true;
      if (t.startsWith('renderer/')) return false;
      if (t === SHARED_WITH_RENDERER) return false;
      return !(t.startsWith('preload/api') && i.typeOnly);
    });
    expect(bad.map(at)).toEqual([]);
  });

  it('the one file of main/ the renderer imports imports nothing itself', () => {
    expect(importsOf(SHARED_WITH_RENDERER.replace(/\.js$/, '.ts')).map(at)).toEqual([]);
  });

  it('the preload imports only Electron, zod and itself', () => {
    const bad = PRELOAD.flatMap(importsOf).filter((i) => !['electron', 'zod'].includes(i.specifier) && !(target(i)?.startsWith('preload/') ?? false));
    expect(bad.map(at)).toEqual([]);
  });

  it('SQL is only written in the store', () => {
    // Over the whole text: `ws.db` and `.prepare(` on the next line is still SQL (one was missed that way).
    const SQL = /\bdb\s*\.\s*(prepare|exec|pragma|transaction|function|aggregate)\s*\(/g;
    const sqlIn = (f: string, text: string) => [...text.matchAll(SQL)].map((m) => `${f}:${text.slice(0, m.index).split('\n').length}: db.${m[1]}(`);
    const bad = MAIN.filter((f) => !f.startsWith('main/store/')).flatMap((f) => sqlIn(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
    expect(sqlIn('x.ts', 'const n = ws.db\n  .prepare("SELECT 1")')).toEqual(['x.ts:1: db.prepare(']);
  });

  it('a room imports only lower rooms (docs/rooms.json)', () => {
    const { levels } = JSON.parse(readFileSync(join(ROOT, 'docs/rooms.json'), 'utf8')) as { levels: string[][] };
    const level = new Map(levels.flatMap((rooms, n) => rooms.map((r) => [r, n] as const)));
    const roomOf = (path: string): string => {
      const parts = path.split('/');
      if (parts[0] !== 'main') return parts[0]!;
      return parts.length === 2 ? parts[1]!.replace(/\.js$/, '.ts') : parts[1]!;
    };
    const unknown = new Set<string>();
    const bad: string[] = [];
    for (const i of MAIN.flatMap(importsOf)) {
      const t = target(i);
      if (t === null) continue;
      const from = roomOf(i.file);
      const to = roomOf(t);
      if (from === to) continue;
      const a = level.get(from);
      const b = level.get(to);
      if (a === undefined) unknown.add(from);
      if (b === undefined) unknown.add(to);
      if (a !== undefined && b !== undefined && b >= a) bad.push(`${at(i)}: ${from} (level ${a}) may not import ${to} (level ${b})`);
    }
    expect([...unknown].map((r) => `room ${r} is not in docs/rooms.json`)).toEqual([]);
    expect(bad).toEqual([]);
  });

  it('sees an import in every form it can take', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "import type { BrowserWindow } from 'electron';",
      'import {',
      '  a,',
      '  type b,',
      "} from '../store/workspace.js';",
      "import './side-effect.js';",
      "export { c } from '../x509/oids.js';",
      "export type { D } from '../../preload/api.js';",
      "export * from '../keys/signing-key.js';",
      "const pg = await import('pg');",
      "const e = createRequire(import.meta.url)('electron');",
      "const r = require('better-sqlite3');",
    ].join('\n');
    expect(importsIn('main/ca/x.ts', text).map((i) => [i.specifier, i.typeOnly, i.line])).toEqual([
      ['better-sqlite3', false, 1],
      ['electron', true, 2],
      ['../store/workspace.js', false, 3],
      ['./side-effect.js', false, 7],
      ['../x509/oids.js', false, 8],
      ['../../preload/api.js', true, 9],
      ['../keys/signing-key.js', false, 10],
      ['pg', false, 11],
      ['electron', false, 12],
      ['better-sqlite3', false, 13],
    ]);
    expect(target(importsIn('main/ca/x.ts', "import { a } from '../store/workspace.js';")[0]!)).toBe('main/store/workspace.js');
  });

  it('knows every file it checks', () => {
    // a sanity check on the scanner itself: the rules above saw real files and imports
    expect(MAIN.length).toBeGreaterThan(200);
    expect(RENDERER.length).toBeGreaterThan(20);
    expect(relative(ROOT, join(ROOT, 'main')).length).toBeGreaterThan(0);
    expect(importsOf('main/cli.ts').some((i) => i.specifier === 'commander')).toBe(true);
  });
});
