import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import { z } from 'zod';
import type { Extension } from '../x509/extensions/extension.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { OID } from '../x509/oids.js';
import { CeremonyError } from './ceremony-errors.js';
import { parseJsonText } from '../encoding/json-syntax.js';
import { issueText } from '../encoding/schema-issue.js';
import { MediaFileError, readMediaFile } from '../files/read-media-file.js';

/*
 * A certificate as a rehearsal can predict it: everything but what must differ between the
 * rehearsal and the real ceremony — the key (and so SKI/AKI), the serial, the signature and
 * the dates themselves (only the validity length is kept). Names and extension values are
 * kept as DER hex so the comparison is exact, not a rendering.
 */
export const REHEARSAL_FORMAT = 'hallmark-ceremony-rehearsal-v1';

const comparable = z.strictObject({
  name: z.string(),
  subjectDer: z.string().regex(/^[0-9a-f]*$/),
  issuerDer: z.string().regex(/^[0-9a-f]*$/),
  validitySeconds: z.number().int(),
  extensions: z.array(z.strictObject({ oid: z.string(), critical: z.boolean(), value: z.string().regex(/^[0-9a-f]*$/) })),
});
const rehearsalFile = z.strictObject({
  format: z.literal(REHEARSAL_FORMAT),
  ceremony: z.string(),
  scriptSha256: z.string(),
  savedAt: z.string(),
  certificates: z.array(comparable),
});
export type RehearsalRecord = z.infer<typeof rehearsalFile>;
export type ComparableCertificate = z.infer<typeof comparable>;

const KEY_DEPENDENT = new Set<string>([OID.subjectKeyIdentifier, OID.authorityKeyIdentifier]);

function keep(extensions: readonly Extension[]): ComparableCertificate['extensions'] {
  return extensions.filter((e) => !KEY_DEPENDENT.has(e.oid)).map((e) => ({ oid: e.oid, critical: e.critical, value: e.value.toString('hex') }));
}

/** What the certificate about to be signed will say, from the same template inputs the signer gets. */
export function plannedFields(
  name: string,
  t: { subjectDer: Buffer; issuerDer: Buffer; validityDays: number; extensions: readonly Extension[] },
): ComparableCertificate {
  return {
    name,
    subjectDer: t.subjectDer.toString('hex'),
    issuerDer: t.issuerDer.toString('hex'),
    validitySeconds: t.validityDays * 86_400,
    extensions: keep(t.extensions),
  };
}

/** What a signed certificate says, in the same terms. */
export function signedFields(name: string, der: Buffer): ComparableCertificate {
  const c = parseCertificateFast(der);
  return {
    name,
    subjectDer: c.subjectDer.toString('hex'),
    issuerDer: c.issuerDer.toString('hex'),
    validitySeconds: Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / 1000),
    extensions: keep(c.extensions),
  };
}

export interface FieldComparison {
  readonly field: string;
  readonly rehearsal: string;
  readonly now: string;
  readonly same: boolean;
}

/** Field by field, extensions by OID; a field present on one side only is a difference. */
export function compareFields(rehearsal: ComparableCertificate | undefined, now: ComparableCertificate): FieldComparison[] {
  const row = (field: string, a: string | undefined, b: string | undefined): FieldComparison => ({
    field,
    rehearsal: a ?? '(absent)',
    now: b ?? '(absent)',
    same: a === b,
  });
  const ext = (c: ComparableCertificate | undefined) => new Map((c?.extensions ?? []).map((e) => [e.oid, `${e.critical ? 'critical ' : ''}${e.value}`]));
  const before = ext(rehearsal);
  const after = ext(now);
  return [
    row('subject', rehearsal?.subjectDer, now.subjectDer),
    row('issuer', rehearsal?.issuerDer, now.issuerDer),
    row('validity (seconds)', rehearsal ? String(rehearsal.validitySeconds) : undefined, String(now.validitySeconds)),
    ...[...new Set([...before.keys(), ...after.keys()])].map((oid) => row(`extension ${oid}`, before.get(oid), after.get(oid))),
  ];
}

export function formatComparison(name: string, rows: readonly FieldComparison[]): string {
  const lines = rows.map(
    (r) => `  ${r.same ? 'same     ' : 'DIFFERENT'} ${r.field}${r.same ? '' : `\n      rehearsal: ${r.rehearsal}\n      now:       ${r.now}`}`,
  );
  return `comparison of "${name}" with the rehearsal (key, serial, signature, SKI/AKI and dates excluded):\n${lines.join('\n')}\n`;
}

/** A rehearsal record lists a few certificates' fields; far larger is not one. */
const MAX_REHEARSAL_BYTES = 4 * 1024 * 1024;

export function loadRehearsal(path: string): { record: RehearsalRecord; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = readMediaFile(path, MAX_REHEARSAL_BYTES, 'rehearsal record');
  } catch (e) {
    if (!(e instanceof MediaFileError) || e.code !== 'FILE_UNREADABLE') throw e;
    throw new CeremonyError('CEREMONY_REHEARSAL_INVALID', e.message, 'environment', { path });
  }
  const read = parseJsonText(bytes.toString('utf8'));
  if (!read.ok) throw new CeremonyError('CEREMONY_REHEARSAL_INVALID', `${path} is not JSON: ${read.message}`);
  const json = read.value;
  const parsed = rehearsalFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CeremonyError('CEREMONY_REHEARSAL_INVALID', `${path} is not a rehearsal record: ${issue ? issueText(issue, rehearsalFile, json) : 'invalid'}`);
  }
  return { record: parsed.data, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Refused up front, like the outputs: a rehearsal record is never overwritten. */
export function assertRehearsalFree(path: string): void {
  if (existsSync(path)) throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `${path} already exists; a rehearsal record is never overwritten`);
}

export function saveRehearsal(path: string, record: RehearsalRecord): string {
  const bytes = Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
  try {
    writeNewFile(path, bytes);
  } catch (e) {
    if (!(e instanceof NewFileError)) throw e;
    throw new CeremonyError(
      'CEREMONY_OUTPUT_EXISTS',
      `cannot write the rehearsal record ${path}: ${e.reason === 'exists' ? 'it already exists' : e.errno}`,
      e.reason === 'exists' ? 'input' : 'environment',
    );
  }
  return createHash('sha256').update(bytes).digest('hex');
}
