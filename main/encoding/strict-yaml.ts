import { isAlias, isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { allowedKeysAt } from './schema-issue.js';

/**
 * Strict YAML + zod for every reviewed file (product policies, ceremony scripts and their
 * environment bindings): YAML errors, duplicate keys, unknown keys and schema problems are
 * all reported together with their dotted path and 1-based line, so a reviewer can fix a
 * file in one pass. Anchors and aliases are refused (maxAliasCount 0).
 *
 * A problem never quotes the file: a "policy" that is really a secrets file must not put
 * its lines into an error, a log or a saved report. Syntax errors are named by their kind
 * and position, an unknown key by its position and the keys that were expected there
 * (the key itself is not repeated), schema problems by their path through known keys.
 */
export interface YamlProblem {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

export type StrictYamlResult<T> = { ok: true; value: T } | { ok: false; problems: YamlProblem[] };

export function parseStrictYaml<T>(text: string, schema: z.ZodType<T>, options: { docsHint?: string } = {}): StrictYamlResult<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ path: '', ...lineOf(e.pos[0], lines), message: syntaxMessage(e.code) })) };
  }
  const alias = firstAliasOffset(doc);
  if (alias !== null)
    return { ok: false, problems: [{ path: '', ...lineOf(alias, lines), message: 'expected a plain value: anchors and aliases (*name) are not accepted' }] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch {
    return { ok: false, problems: [{ path: '', message: 'expected plain YAML: the document cannot be read as data' }] };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap((i) => problemsOf(i, doc, lines, schema, options.docsHint)) };
}

export function formatProblems(source: string, problems: readonly YamlProblem[]): string {
  return `${source}: ${problems.map((p) => `${p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`).join('; ')}`;
}

/** The yaml library's messages quote the text they stopped at; its codes do not. */
const SYNTAX: Record<string, string> = {
  BAD_DQ_ESCAPE: 'expected a valid escape sequence in the double-quoted string',
  BAD_INDENT: 'expected consistent indentation',
  BAD_PROP_ORDER: 'expected the anchor or tag before the value',
  BAD_SCALAR_START: 'expected a value that does not start with a reserved character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'expected "key: value" on its own line (nested mappings are not allowed in compact mappings)',
  BLOCK_IN_FLOW: 'expected no block collection inside a flow collection',
  DUPLICATE_KEY: 'expected each key once in its mapping (this key is repeated)',
  IMPOSSIBLE: 'expected YAML',
  KEY_OVER_1024_CHARS: 'expected a key shorter than 1024 characters',
  MISSING_CHAR: 'expected a closing quote or bracket',
  MULTILINE_IMPLICIT_KEY: 'expected a key on a single line',
  MULTIPLE_ANCHORS: 'expected at most one anchor',
  MULTIPLE_DOCS: 'expected one YAML document',
  MULTIPLE_TAGS: 'expected at most one tag',
  NON_STRING_KEY: 'expected a plain key',
  TAB_AS_INDENT: 'expected spaces for indentation (tabs are not allowed)',
  TAG_RESOLVE_FAILED: 'expected a known tag',
  UNEXPECTED_TOKEN: 'expected "key: value", "- item" or a value here',
  BAD_ALIAS: 'expected a plain value: anchors and aliases are not accepted',
  BAD_DIRECTIVE: 'expected a valid directive',
  BAD_COLLECTION_TYPE: 'expected a mapping or a sequence',
  ALIAS_PROPS: 'expected a plain value: anchors and aliases are not accepted',
};

function syntaxMessage(code: string): string {
  return `${SYNTAX[code] ?? 'expected valid YAML'} (YAML ${code})`;
}

function firstAliasOffset(doc: Document): number | null {
  let at: number | null = null;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node)) at = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return at;
}

function problemsOf(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, schema: z.ZodType, docsHint: string | undefined): YamlProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    const present = doc.getIn(path, true);
    const here = isMap(present) ? (present.toJSON() as Record<string, unknown>) : {};
    const allowed = allowedKeysAt(schema, path, here, issue.keys);
    const expected = allowed.length > 0 ? `one of ${allowed.join(', ')}` : `a key this section allows${docsHint ? ` (see ${docsHint})` : ''}`;
    return issue.keys.map((key) => ({ path: path.join('.'), ...lineOf(keyOffset(doc, path, key), lines), message: `unknown key: expected ${expected}` }));
  }
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  // A missing key has no node: point at its parent instead.
  const anchor = node?.range ?? (doc.getIn(path.slice(0, -1), true) as { range?: [number, number, number] } | undefined)?.range ?? doc.contents?.range;
  // A value's problem is named by its path through known keys and its line (what was expected, not what is there).
  return [
    { path: path.join('.'), ...lineOnly(anchor?.[0], lines), message: doc.hasIn(path) || path.length === 0 ? messageOf(issue, docsHint) : 'is required' },
  ];
}

function keyOffset(doc: Document, parentPath: (string | number)[], key: string): number | undefined {
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (!isMap(parent)) return undefined;
  for (const pair of parent.items) {
    if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) return pair.key.range?.[0];
  }
  return undefined;
}

function lineOf(offset: number | undefined, lines: LineCounter): { line?: number; column?: number } {
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function lineOnly(offset: number | undefined, lines: LineCounter): { line?: number } {
  return offset === undefined ? {} : { line: lines.linePos(offset).line };
}

function messageOf(issue: z.core.$ZodIssue, docsHint: string | undefined): string {
  if (issue.code === 'invalid_union') return `is not any of the accepted forms${docsHint ? ` (see ${docsHint})` : ''}`;
  if (issue.code === 'invalid_value' && 'values' in issue) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}
