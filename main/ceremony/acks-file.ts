import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { formatProblems, parseStrictYaml } from '../encoding/strict-yaml.js';
import { membersOf, type Acknowledgment, type AckSource } from './acknowledgments.js';
import { CeremonyError } from './ceremony-errors.js';
import type { NotedException, ShareTypeBackRequest } from './ceremony-request.js';
import type { CeremonyScript, Role } from './ceremony-script-schema.js';
import { MediaFileError, readMediaFile } from '../files/read-media-file.js';

const MAX_NOTE = 2000;
const person = z.string().min(1).max(64);

/**
 * `--acks ACKS.yaml`: the YAML form of `--ack-file`, for REHEARSALS AND TESTS ONLY. Besides
 * who acknowledges, it carries what the terminal would otherwise ask of the room during the
 * run (witnesses' exceptions, custodians' typed-back shares), so a rehearsal can go through
 * those paths unattended. Everything it supplies is recorded as `via: "ack-file"`, which
 * marks the run as a rehearsal.
 */
export const acksFileSchema = z.strictObject({
  version: z.literal(1),
  acknowledge: z.strictObject({
    administrator: person.optional(),
    custodians: z.array(person).optional(),
    witnesses: z.array(person).optional(),
  }),
  exceptions: z.array(z.strictObject({ step: z.string().min(1), witness: person, note: z.string().min(1).max(MAX_NOTE) })).optional(),
  /** custodian name → file holding the share text they "type" from their sheet (relative to the acks file) */
  shareTexts: z.record(person, z.string().min(1)).optional(),
});

export type AcksFile = z.infer<typeof acksFileSchema>;

export interface LoadedAcksFile {
  readonly source: AckSource;
  readonly exceptions: (step: string) => Promise<NotedException[]>;
  /** only when the file has `shareTexts` */
  readonly typeBack?: (request: ShareTypeBackRequest) => Promise<string>;
}

/** An acks file or a typed-back share text is a page of text. */
const MAX_ACKS_FILE_BYTES = 256 * 1024;

export function loadAcksFile(path: string): LoadedAcksFile {
  let text: string;
  try {
    text = readMediaFile(path, MAX_ACKS_FILE_BYTES, 'acks file').toString('utf8');
  } catch (e) {
    if (!(e instanceof MediaFileError) || e.code !== 'FILE_UNREADABLE') throw e;
    throw new CeremonyError('CEREMONY_ACK_INVALID', e.message, 'input', { path });
  }
  return parseAcksFile(text, path);
}

export function parseAcksFile(text: string, path: string): LoadedAcksFile {
  const parsed = parseStrictYaml(text, acksFileSchema, { docsHint: 'docs/ceremonies.md' });
  if (!parsed.ok) throw new CeremonyError('CEREMONY_ACK_INVALID', formatProblems(path, parsed.problems), 'input', { problems: parsed.problems });
  const acks = parsed.value;
  const lineOf = lineFinder(text);
  const at = (yamlPath: (string | number)[]) => {
    const line = lineOf(yamlPath);
    return line === undefined ? path : `${path}: line ${line}`;
  };

  const listed = new Map<Role, Set<string>>([
    ['administrator', new Set(acks.acknowledge.administrator !== undefined ? [acks.acknowledge.administrator] : [])],
    ['custodians', new Set(acks.acknowledge.custodians ?? [])],
    ['witnesses', new Set(acks.acknowledge.witnesses ?? [])],
  ]);

  // The file is parsed before the script is known to the run, so names and steps are checked
  // at the first collect (the witnesses' clock confirmation, before any step), as the line
  // format does; every later collect repeats the cheap check rather than keep state.
  const check = (script: CeremonyScript) => {
    const notIn = (yamlPath: (string | number)[], name: string, role: Role) => {
      if (!membersOf(script, role).includes(name))
        throw new CeremonyError(
          'CEREMONY_ACK_INVALID',
          `${at(yamlPath)}: that name is not one of the script's ${role} (${membersOf(script, role).join(', ')})`,
        );
    };
    if (acks.acknowledge.administrator !== undefined) notIn(['acknowledge', 'administrator'], acks.acknowledge.administrator, 'administrator');
    for (const role of ['custodians', 'witnesses'] as const) (acks.acknowledge[role] ?? []).forEach((n, i) => notIn(['acknowledge', role, i], n, role));
    const steps = new Set(script.steps.map((s) => s.id));
    (acks.exceptions ?? []).forEach((x, i) => {
      if (!steps.has(x.step))
        throw new CeremonyError(
          'CEREMONY_ACK_INVALID',
          `${at(['exceptions', i, 'step'])}: names a step the script does not have (its steps: ${[...steps].join(', ')})`,
        );
      notIn(['exceptions', i, 'witness'], x.witness, 'witnesses');
    });
    for (const n of Object.keys(acks.shareTexts ?? {})) notIn(['shareTexts', n], n, 'custodians');
  };

  const source: AckSource = {
    via: 'ack-file',
    async collect(step, script, say) {
      check(script);
      const out: Acknowledgment[] = [];
      for (const role of step.acknowledge) {
        for (const n of membersOf(script, role)) {
          if (!listed.get(role)?.has(n))
            throw new CeremonyError('CEREMONY_ACK_MISSING', `step "${step.id}": ${role} "${n}" did not acknowledge (not in ${path})`, 'check');
          out.push({ step: step.id, role, name: n, time: new Date().toISOString(), via: 'ack-file' });
          say(`  acknowledged by ${role} ${n} (acks file)\n`);
        }
      }
      return out;
    },
  };

  const exceptions = async (step: string): Promise<NotedException[]> =>
    (acks.exceptions ?? []).filter((x) => x.step === step).map((x) => ({ role: 'witnesses', name: x.witness, note: x.note }));

  const shareTexts = acks.shareTexts;
  if (!shareTexts) return { source, exceptions };
  const typeBack = async (request: ShareTypeBackRequest): Promise<string> => {
    // A retry after a rejected type-back would read the same file again and loop; the
    // field is read loosely because the request may not carry it.
    const problem = (request as { readonly problem?: unknown }).problem;
    if (typeof problem === 'string' && problem !== '') {
      throw new CeremonyError('CEREMONY_SHARE_MISMATCH', `${path}: the share text for custodian "${request.custodian}" was not accepted: ${problem}`, 'check');
    }
    const file = Object.hasOwn(shareTexts, request.custodian) ? shareTexts[request.custodian] : undefined;
    if (file === undefined) {
      throw new CeremonyError(
        'CEREMONY_ACK_MISSING',
        `step "${request.step}": custodian "${request.custodian}" has no share text to type back (no shareTexts entry in ${path})`,
        'check',
      );
    }
    const full = isAbsolute(file) ? file : resolve(dirname(path), file);
    try {
      return readMediaFile(full, MAX_ACKS_FILE_BYTES, 'share text').toString('utf8');
    } catch (e) {
      if (!(e instanceof MediaFileError) || e.code !== 'FILE_UNREADABLE') throw e;
      throw new CeremonyError(
        'CEREMONY_ACK_INVALID',
        `${at(['shareTexts', request.custodian])}: cannot read the share text of custodian "${request.custodian}" (${full}): ${e.errno ?? 'unreadable'}`,
      );
    }
  };
  return { source, exceptions, typeBack };
}

/** 1-based line of the node at a path, for errors found only once the script is known. */
function lineFinder(text: string): (path: (string | number)[]) => number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return (path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : undefined;
  };
}
