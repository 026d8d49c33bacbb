import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/**
 * Strict YAML + zod for every reviewed file (product policies, ceremony scripts and their
 * environment bindings): YAML errors, duplicate keys, unknown keys and schema problems are
 * all reported together with their dotted path and 1-based line, so a reviewer can fix a
 * file in one pass. Anchors and aliases are refused (maxAliasCount 0).
 */
export interface YamlProblem {
  readonly path: string;
  readonly line?: number;
  readonly message: string;
}

export type StrictYamlResult<T> = { ok: true; value: T } | { ok: false; problems: YamlProblem[] };

export function parseStrictYaml<T>(text: string, schema: z.ZodType<T>, options: { docsHint?: string } = {}): StrictYamlResult<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ path: '', line: lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0] ?? e.code })) };
  }
  const result = schema.safeParse(doc.toJS({ maxAliasCount: 0 }));
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap((i) => problemsOf(i, doc, lines, options.docsHint)) };
}

export function formatProblems(source: string, problems: readonly YamlProblem[]): string {
  return `${source}: ${problems.map((p) => `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`).join('; ')}`;
}

function problemsOf(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, docsHint: string | undefined): YamlProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), ...lineOf(keyOffset(doc, path, key), lines), message: `unknown key "${key}"` }));
  }
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  // A missing key has no node: point at its parent instead.
  const anchor = node?.range ?? (doc.getIn(path.slice(0, -1), true) as { range?: [number, number, number] } | undefined)?.range ?? doc.contents?.range;
  return [{ path: path.join('.'), ...lineOf(anchor?.[0], lines), message: doc.hasIn(path) || path.length === 0 ? messageOf(issue, docsHint) : 'is required' }];
}

function keyOffset(doc: Document, parentPath: (string | number)[], key: string): number | undefined {
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (!isMap(parent)) return undefined;
  for (const pair of parent.items) {
    if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) return pair.key.range?.[0];
  }
  return undefined;
}

function lineOf(offset: number | undefined, lines: LineCounter): { line?: number } {
  return offset === undefined ? {} : { line: lines.linePos(offset).line };
}

function messageOf(issue: z.core.$ZodIssue, docsHint: string | undefined): string {
  if (issue.code === 'invalid_union') return `is not any of the accepted forms${docsHint ? ` (see ${docsHint})` : ''}`;
  if (issue.code === 'invalid_value' && 'values' in issue) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}
