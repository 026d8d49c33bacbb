import { createHash } from 'node:crypto';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { productPolicySchema, type ProductPolicy } from './product-policy-schema.js';
import { StationError } from './station-errors.js';

export const MAX_POLICY_BYTES = 64 * 1024;

export interface PolicyProblem {
  /** dotted path of the offending value, e.g. `subject.CN` or `extensions.0.oid` */
  readonly path: string;
  /** 1-based line in the file, when the value is there */
  readonly line?: number;
  readonly message: string;
}

export interface LoadedPolicy {
  readonly policy: ProductPolicy;
  /** the exact text, stored with the batch so the batch is immutable */
  readonly text: string;
  readonly sha256: string;
}

/**
 * Parses a product policy (YAML) strictly: YAML errors, duplicate keys, unknown keys and
 * every schema problem are reported together, each with its path and line, as one
 * POLICY_INVALID error (details.problems).
 */
export function parseProductPolicy(text: string, source = 'policy'): LoadedPolicy {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) {
    throw new StationError('POLICY_INVALID', `${source}: a product policy is at most ${MAX_POLICY_BYTES} bytes`, 'input');
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ path: '', line: lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0] ?? e.code }));
    throw invalid(source, problems);
  }
  const result = productPolicySchema.safeParse(doc.toJS({ maxAliasCount: 0 }));
  if (!result.success) throw invalid(source, result.error.issues.flatMap((i) => problemsOf(i, doc, lines)));
  return { policy: result.data, text, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}

function problemsOf(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): PolicyProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      ...lineOf(keyRange(doc, path, key), lines),
      message: `unknown key "${key}"`,
    }));
  }
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  // A missing key has no node: point at its parent instead.
  const anchor = node?.range ?? (doc.getIn(path.slice(0, -1), true) as { range?: [number, number, number] } | undefined)?.range ?? doc.contents?.range;
  return [{ path: path.join('.'), ...lineOf(anchor?.[0], lines), message: doc.hasIn(path) || path.length === 0 ? messageOf(issue) : 'is required' }];
}

function keyRange(doc: Document, parentPath: (string | number)[], key: string): number | undefined {
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

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') return 'is not any of the accepted forms (see docs/station.md)';
  if (issue.code === 'invalid_value' && 'values' in issue) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function invalid(source: string, problems: PolicyProblem[]): StationError {
  const text = problems.map((p) => `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`).join('; ');
  return new StationError('POLICY_INVALID', `${source}: ${text}`, 'input', { problems });
}
