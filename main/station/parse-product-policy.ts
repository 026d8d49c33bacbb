import { createHash } from 'node:crypto';
import { formatProblems, parseStrictYaml, type YamlProblem } from '../encoding/strict-yaml.js';
import { productPolicySchema, type ProductPolicy } from './product-policy-schema.js';
import { StationError } from './station-errors.js';

export const MAX_POLICY_BYTES = 64 * 1024;

/** A problem in a policy file: dotted path (e.g. `subject.CN`), 1-based line, message. */
export type PolicyProblem = YamlProblem;

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
  const result = parseStrictYaml(text, productPolicySchema, { docsHint: 'docs/station.md' });
  if (!result.ok) throw new StationError('POLICY_INVALID', formatProblems(source, result.problems), 'input', { problems: result.problems });
  return { policy: result.value, text, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}
