import { createHash } from 'node:crypto';
import { CeremonyError } from './ceremony-errors.js';
import { ceremonyScriptSchema, type CeremonyScript, type StepAction } from './ceremony-script-schema.js';
import { formatProblems, parseStrictYaml, type YamlProblem } from '../encoding/strict-yaml.js';

export const MAX_SCRIPT_BYTES = 64 * 1024;

/** Which actions a kind needs, in this order, each exactly once. */
function requiredActions(script: CeremonyScript): readonly StepAction[] {
  switch (script.kind) {
    case 'root':
      return ['generate-key', 'sign-root'];
    case 'crl':
      return ['sign-crl'];
    case 'intermediate':
      return script.intermediate.key.source === 'csr' ? ['sign-intermediate'] : ['generate-key', 'sign-intermediate'];
    case 'key-backup':
      return ['re-split', 'old-shares-destroyed'];
    case 'key-restore':
      return ['restore-to-token'];
  }
}

export interface LoadedScript {
  readonly script: CeremonyScript;
  /** the exact bytes, hashed as they are: the approved hash covers comments and whitespace too */
  readonly bytes: Buffer;
  readonly sha256: string;
}

export function parseCeremonyScript(bytes: Buffer, source = 'script'): LoadedScript {
  if (bytes.length > MAX_SCRIPT_BYTES) throw new CeremonyError('CEREMONY_SCRIPT_INVALID', `${source}: a ceremony script is at most ${MAX_SCRIPT_BYTES} bytes`);
  const parsed = parseStrictYaml(bytes.toString('utf8'), ceremonyScriptSchema, { docsHint: 'docs/ceremonies.md' });
  if (!parsed.ok) throw invalid(source, parsed.problems);
  const script = parsed.value;
  const problems = semanticProblems(script);
  if (problems.length > 0) throw invalid(source, problems);
  return { script, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Rules zod cannot see field by field: the actions a kind needs, unique step ids, a quorum that exists. */
function semanticProblems(script: CeremonyScript): YamlProblem[] {
  const out: YamlProblem[] = [];
  const actions = script.steps.flatMap((s) => (s.action ? [s.action] : []));
  const want = requiredActions(script);
  if (actions.join(',') !== want.join(',')) {
    out.push({
      path: 'steps',
      message: `a ${script.kind} ceremony needs steps with the actions ${want.join(', then ')} (each once); found ${actions.join(', ') || 'none'}`,
    });
  }
  const ids = new Set<string>();
  for (const [i, s] of script.steps.entries()) {
    if (ids.has(s.id)) out.push({ path: `steps.${i}.id`, message: `step id "${s.id}" is used twice` });
    ids.add(s.id);
  }
  if (script.kind === 'root' && script.key.store === 'shares') {
    if (script.key.threshold > script.key.custodians.length)
      out.push({ path: 'key.threshold', message: `threshold ${script.key.threshold} is more than the ${script.key.custodians.length} custodians` });
    for (const c of script.key.custodians) {
      if (!script.participants.custodians.includes(c)) out.push({ path: 'key.custodians', message: `"${c}" is not one of the participants' custodians` });
    }
  }
  if (script.kind === 'key-backup') {
    const b = script.backup;
    if (b.threshold > b.custodians.length)
      out.push({ path: 'backup.threshold', message: `threshold ${b.threshold} is more than the ${b.custodians.length} custodians` });
    for (const c of b.custodians) {
      if (!script.participants.custodians.includes(c)) out.push({ path: 'backup.custodians', message: `"${c}" is not one of the participants' custodians` });
    }
    const destroyed = script.steps.findIndex((s) => s.action === 'old-shares-destroyed');
    const ack = script.steps[destroyed]?.acknowledge ?? [];
    if (destroyed >= 0 && !(ack.includes('custodians') && ack.includes('witnesses'))) {
      out.push({ path: `steps.${destroyed}.acknowledge`, message: 'the destruction of the old shares is acknowledged by the custodians and the witnesses' });
    }
  }
  if (script.kind === 'key-restore') {
    if (script.restore.label === script.restore.key) {
      out.push({ path: 'restore.label', message: 'the restored key needs its own label: the shares key keeps its record as the backup' });
    }
    // The custodians present their shares and the witnesses see the key go onto the token.
    const at = script.steps.findIndex((s) => s.action === 'restore-to-token');
    const ack = script.steps[at]?.acknowledge ?? [];
    if (at >= 0 && !(ack.includes('custodians') && ack.includes('witnesses'))) {
      out.push({ path: `steps.${at}.acknowledge`, message: 'the restore onto the token is acknowledged by the custodians and the witnesses' });
    }
  }
  if (script.kind === 'intermediate' && script.intermediate.key.source === 'csr') {
    // The CSR's hash is shown before the first step; a witness must have acknowledged it before the signature.
    const signAt = script.steps.findIndex((s) => s.action === 'sign-intermediate');
    if (signAt >= 0 && !script.steps.slice(0, signAt).some((s) => s.acknowledge.includes('witnesses'))) {
      out.push({
        path: `steps.${signAt}`,
        message: "an intermediate from a CSR needs a step acknowledged by the witnesses (comparing the CSR's SHA-256) before sign-intermediate",
      });
    }
  }
  return out;
}

function invalid(source: string, problems: YamlProblem[]): CeremonyError {
  return new CeremonyError('CEREMONY_SCRIPT_INVALID', formatProblems(source, problems), 'input', { problems });
}
