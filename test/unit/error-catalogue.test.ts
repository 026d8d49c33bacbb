import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../main/cli.js';
import { ERROR_CATALOGUE } from '../../main/errors/error-catalogue.js';
import { FATAL_CODES, REFUSAL_CODES, TRANSIENT_CODES } from '../../main/station/device-outcome.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Every code main/ can raise is in the catalogue (main/errors/error-catalogue.ts), and every
 * catalogue entry is raised somewhere. The scan reads the sources, so a new throw site with a
 * new code fails here until its words are written.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p.split(sep).join('/'));
  }
  return out;
}

const CODE = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g;
const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');

/** Where a code can be raised, each pattern named so a miss is easy to trace. */
const PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  // new XError('CODE', …) and new XError(cond ? 'A' : 'B', …): the literals of the first argument
  ['constructor', /new [A-Z][A-Za-z]*Error\(\s*((?:[^,'`()]|'[^']*'|\([^()]*\))*?)\s*,/g],
  // class XError extends HallmarkError { constructor(…) { super('CODE', …) } }
  ['super', /super\(\s*('[A-Z][A-Z0-9_]+')\s*,/g],
  // audit problems: fail('CODE', …)
  ['fail', /\bfail\(\s*('[A-Z][A-Z0-9_]+')\s*,/g],
  // envelopes answered without an error object: { code: 'CODE', message }
  ['envelope', /\{\s*code:\s*('[A-Z][A-Z0-9_]+'),\s*message/g],
  // codes handed to a helper that throws them: busyCode: 'CODE', refusal: 'CODE'
  ['named', /\b(?:[a-z][A-Za-z]*Code|refusal):\s*('[A-Z][A-Z0-9_]+')/g],
];

interface Scan {
  readonly raised: Map<string, string>; // code → first file
  readonly unions: Map<string, string[]>; // type name → members
}

function scan(): Scan {
  const raised = new Map<string, string>();
  const unions = new Map<string, string[]>();
  const templates: Array<{ file: string; prefix: string; type: string }> = [];
  for (const file of sources('main')) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const [, re] of PATTERNS) {
      for (const m of text.matchAll(re)) for (const c of m[1]!.matchAll(CODE)) if (!raised.has(c[1]!)) raised.set(c[1]!, file);
    }
    // comments may hold ';', so they go before a union's body is cut at its end
    for (const m of stripComments(text).matchAll(/export type ([A-Za-z]*Code)\s*=([^;]*);/g)) {
      const body = m[2]!;
      unions.set(
        m[1]!,
        [...body.matchAll(CODE)].map((c) => c[1]!),
      );
      for (const t of body.matchAll(/`([A-Z_]+)\$\{([A-Za-z]+)\}`/g)) templates.push({ file, prefix: t[1]!, type: t[2]! });
      for (const c of unions.get(m[1]!)!) if (!raised.has(c)) raised.set(c, file);
    }
  }
  // CSR_${DerErrorCode}: a type built from another union
  for (const t of templates) {
    const members = unions.get(t.type);
    if (!members) throw new Error(`${t.file}: template union over unknown type ${t.type}`);
    for (const c of members) if (!raised.has(t.prefix + c)) raised.set(t.prefix + c, t.file);
  }
  return { raised, unions };
}

/**
 * Codes the catalogue keeps although the scan finds no literal for them, each with its reason.
 * Keep this short: a code nobody raises any more should leave the catalogue.
 */
const RESERVED: Readonly<Record<string, string>> = {};

/** Literals the scan picks up that are not error codes. */
const NOT_CODES: ReadonlySet<string> = new Set([]);

describe('the error catalogue', () => {
  const { raised, unions } = scan();

  it('scans real sources', () => {
    expect(raised.size).toBeGreaterThan(250);
    expect(unions.get('StationErrorCode')).toContain('NOT_IN_PLAN');
    expect(raised.has('CSR_DER_LENGTH')).toBe(true);
    expect(raised.has('CEREMONY_SECRET_BUSY')).toBe(true);
  });

  it('has an entry for every code raised in main/', () => {
    const missing = [...raised].filter(([code]) => !NOT_CODES.has(code) && !Object.hasOwn(ERROR_CATALOGUE, code)).map(([code, file]) => `${code} (${file})`);
    expect(missing, 'add these to main/errors/error-catalogue.ts').toEqual([]);
  });

  it('has no entry that nothing raises, unless reserved with a reason', () => {
    const stale = Object.keys(ERROR_CATALOGUE).filter((code) => !raised.has(code) && !Object.hasOwn(RESERVED, code));
    expect(stale, 'raise these, remove them, or list them in RESERVED with a reason').toEqual([]);
    for (const [code, reason] of Object.entries(RESERVED)) {
      expect(ERROR_CATALOGUE[code], `reserved ${code} is in the catalogue`).toBeDefined();
      expect(reason.length).toBeGreaterThan(10);
    }
  });

  it.each(Object.entries(ERROR_CATALOGUE))('%s says what happened and what to do, in sentences', (code, e) => {
    expect(['input', 'transient', 'fatal']).toContain(e.kind);
    expect(e.words, code).toMatch(/^[A-Z][^\n]*[.]$/);
    expect(e.remedy, code).toMatch(/^[A-Z][^\n]*[.]$/);
    expect(e.words.length + e.remedy.length).toBeLessThan(400);
    // the code itself is not the words
    expect(`${e.words} ${e.remedy}`).not.toMatch(/\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b/);
  });

  it('agrees with the station’s own refusal, retry and stop decisions', () => {
    for (const c of REFUSAL_CODES) expect(ERROR_CATALOGUE[c]?.kind, c).toBe('input');
    for (const c of TRANSIENT_CODES) expect(ERROR_CATALOGUE[c]?.kind, c).toBe('transient');
    for (const c of FATAL_CODES) expect(ERROR_CATALOGUE[c]?.kind, c).toBe('fatal');
  });
});

describe('the CLI and the catalogue', () => {
  const root = tempDir();
  afterAll(() => root.dispose());

  async function run(errIsTerminal: boolean): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await main(['--home', join(root.path, 'none'), 'info'], { out: () => {}, err: (s) => void (err += s), env: {}, errIsTerminal });
    return { code, err };
  }

  it('follows an error with its remedy on a terminal, and keeps one line for scripts', async () => {
    const person = await run(true);
    expect(person.code).toBe(2);
    expect(person.err).toBe(`${person.err.split('\n')[0]}\nhint: ${ERROR_CATALOGUE.WORKSPACE_MISSING!.remedy}\n`);
    expect(person.err).toMatch(/^error: WORKSPACE_MISSING: /);
    const script = await run(false);
    expect(script.err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: WORKSPACE_MISSING: /)]);
  });
});
