import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { verifyDetachedCms } from '../../cms/verify-detached-cms.js';
import { checkPath } from '../../manifest/verify/certificate-path.js';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { nameToString } from '../../x509/describe-certificate.js';
import { hashWords } from '../hash-words.js';
import { nameProblem, parseSha256Sums } from './sha256-sums.js';
import { readTranscriptChain } from './transcript-chain.js';
import { SUMS_FILE, TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE } from './transcript-format.js';
import type { TranscriptOutput, TranscriptRecord } from './transcript-record.js';
import { MediaFileError, readMediaFile } from '../../files/read-media-file.js';

export const TRANSCRIPT_CHECKS = ['chain', 'complete', 'outputs', 'sums', 'signature', 'trust', 'extra-files'] as const;
export type TranscriptCheckName = (typeof TRANSCRIPT_CHECKS)[number];

export interface TranscriptCheck {
  readonly name: TranscriptCheckName;
  readonly ok: boolean;
  readonly detail: string;
  /** the files (or `transcript.jsonl:<line>`) the check found wrong */
  readonly files?: string[];
}

export interface TranscriptVerification {
  readonly ok: boolean;
  readonly dir: string;
  readonly ceremony: { readonly id: string; readonly name: string; readonly kind: string } | null;
  readonly signer: { readonly subject: string; readonly sha256: string; readonly words: string[] } | null;
  readonly checks: TranscriptCheck[];
}

export interface VerifyTranscriptOptions {
  /** trusted certificates, DER: the signer must be one of them or chain up to one */
  readonly trust?: readonly Buffer[];
}

/** Hashed whole; anything beyond this on a ceremony medium is not a certificate, CRL or share. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

type Rec<T extends TranscriptRecord['type']> = Extract<TranscriptRecord, { type: T }>;

/**
 * Verifies a ceremony's output directory from its files alone (no workspace, token or
 * network): the record chain, that the ceremony completed, every output and SHA256SUMS
 * line against the bytes on the medium, the CMS signature over transcript.jsonl by the
 * key the `completed` record names, optionally that key's certificate against trusted
 * roots, and that the directory holds nothing the transcript does not account for.
 * Every check runs and reports, whatever the others found; bad input never throws.
 */
export function verifyTranscript(dir: string, opts: VerifyTranscriptOptions = {}): TranscriptVerification {
  const files = new FileReader(dir);
  const checks: TranscriptCheck[] = [];
  const jsonl = files.read(TRANSCRIPT_FILE);

  const reading = jsonl.ok ? readTranscriptChain(jsonl.bytes) : null;
  const records = reading?.records ?? [];
  const started = records.find((r): r is Rec<'started'> => r.type === 'started') ?? null;
  const completed = records.at(-1)?.type === 'completed' ? (records.at(-1) as Rec<'completed'>) : null;
  const ceremony = started ? { id: started.ceremonyId, name: started.ceremony, kind: started.kind } : null;

  if (!jsonl.ok) checks.push({ name: 'chain', ok: false, detail: `${TRANSCRIPT_FILE}: ${jsonl.problem}`, files: [TRANSCRIPT_FILE] });
  else if (reading!.problem) {
    const { line, problem } = reading!.problem;
    // A canonical edit of line n leaves it chained to n-1; it shows as line n+1's prev not matching, so both are named.
    const suspects = /^prev does not match/.test(problem) && line > 1 ? [line - 1, line] : [line];
    checks.push({
      name: 'chain',
      ok: false,
      detail: `${TRANSCRIPT_FILE} line ${line}: ${problem} (records 1–${line - 1} chain; nothing from line ${suspects[0]} on can be trusted)`,
      files: suspects.map((l) => `${TRANSCRIPT_FILE}:${l}`),
    });
  } else if (records[0]?.type !== 'started') {
    checks.push({
      name: 'chain',
      ok: false,
      detail: `${TRANSCRIPT_FILE} line 1 is a "${records[0]?.type ?? '?'}" record, not "started"`,
      files: [`${TRANSCRIPT_FILE}:1`],
    });
  } else {
    checks.push({ name: 'chain', ok: true, detail: `${records.length} records, each naming the SHA-256 of the one before; head ${reading!.head}` });
  }

  checks.push(completeCheck(records, reading?.problem?.line ?? null));
  const outputs = outputsCheck(files, records, completed);
  checks.push(outputs.check);
  checks.push(sumsCheck(files, outputs.named, completed));
  const signature = signatureCheck(files, jsonl.ok ? jsonl.bytes : null, completed);
  checks.push(signature.check);
  if (opts.trust !== undefined) checks.push(trustCheck(opts.trust, signature.cms, completed));
  checks.push(extraFilesCheck(files, outputs.named, records, completed));

  const signerCert = signature.cms?.signer ?? null;
  return {
    ok: checks.every((c) => c.ok),
    dir,
    ceremony,
    signer: signerCert ? { subject: nameToString(signerCert.subject), sha256: signerCert.sha256, words: hashWords(signerCert.sha256) } : null,
    checks,
  };
}

function completeCheck(records: readonly TranscriptRecord[], brokenAt: number | null): TranscriptCheck {
  const last = records.at(-1);
  const suffix = brokenAt !== null ? ` (reading stopped at the broken line ${brokenAt})` : '';
  if (!last) return { name: 'complete', ok: false, detail: `no readable record${suffix}` };
  if (last.type === 'completed') {
    return brokenAt === null
      ? { name: 'complete', ok: true, detail: `the last record (line ${last.seq}) is "completed", ${last.time}` }
      : { name: 'complete', ok: false, detail: `a "completed" record is at line ${last.seq}, but the lines after it break the chain${suffix}` };
  }
  const aborted = records.filter((r): r is Rec<'aborted'> => r.type === 'aborted').at(-1);
  if (aborted && last === aborted)
    return {
      name: 'complete',
      ok: false,
      detail: `ABORTED at step ${aborted.step ?? '(before the first step)'} by ${aborted.by}: ${aborted.code}: ${aborted.message}${suffix}`,
    };
  if (last.type === 'stopped')
    return {
      name: 'complete',
      ok: false,
      detail: `STOPPED at step ${last.step ?? '(before the first step)'}: ${last.code}: ${last.message}; the ceremony is open (resume or abort it)${suffix}`,
    };
  const step = [...records].reverse().find((r): r is Rec<'step-started'> => r.type === 'step-started');
  const done = new Set(records.filter((r) => r.type === 'step-completed').map((r) => r.step));
  const where = step
    ? done.has(step.step)
      ? `after step ${step.index + 1} "${step.step}" was committed`
      : `during step ${step.index + 1} "${step.step}" (not committed)`
    : 'before the first step';
  return {
    name: 'complete',
    ok: false,
    detail: `interrupted ${where}: the last record is line ${last.seq} ("${last.type}", ${last.time}), not "completed"${suffix}`,
  };
}

/** Every file the records name: `output` records and completed.outputs, which must agree with each other. */
function outputsCheck(
  files: FileReader,
  records: readonly TranscriptRecord[],
  completed: Rec<'completed'> | null,
): { check: TranscriptCheck; named: Map<string, TranscriptOutput> } {
  const named = new Map<string, TranscriptOutput>();
  const problems: string[] = [];
  const bad = new Set<string>();
  if (records.length === 0)
    return { check: { name: 'outputs', ok: false, detail: `no readable record in ${TRANSCRIPT_FILE} to check the outputs against` }, named };
  const claims: { output: TranscriptOutput; where: string }[] = [];
  for (const r of records) if (r.type === 'output') claims.push({ output: r, where: `line ${r.seq}` });
  for (const o of completed?.outputs ?? []) claims.push({ output: o, where: `the completed record (line ${completed!.seq})` });
  for (const { output, where } of claims) {
    const earlier = named.get(output.file);
    if (earlier && (earlier.sha256 !== output.sha256 || earlier.bytes !== output.bytes)) {
      problems.push(`${output.file}: ${where} gives another SHA-256 or size than an earlier record`);
      bad.add(output.file);
      continue;
    }
    if (!earlier) named.set(output.file, { file: output.file, sha256: output.sha256, bytes: output.bytes });
  }
  for (const o of named.values()) {
    if (o.file === TRANSCRIPT_FILE || o.file === TRANSCRIPT_SIGNATURE_FILE || o.file === SUMS_FILE) {
      problems.push(`${o.file}: the transcript lists it as an output, but it is written after the record and cannot be`);
      bad.add(o.file);
      continue;
    }
    const got = files.read(o.file);
    if (!got.ok) {
      problems.push(`${o.file}: ${got.problem}`);
      bad.add(o.file);
    } else if (got.sha256 !== o.sha256 || got.bytes.length !== o.bytes) {
      problems.push(`${o.file}: CHANGED — recorded ${o.bytes} bytes SHA-256 ${o.sha256}, found ${got.bytes.length} bytes SHA-256 ${got.sha256}`);
      bad.add(o.file);
    }
  }
  if (completed && !completed.outputs.some((o) => o.file === TRANSCRIPT_HTML_FILE)) {
    problems.push(`${TRANSCRIPT_HTML_FILE}: the completed record does not list the printable transcript`);
    bad.add(TRANSCRIPT_HTML_FILE);
  }
  const check: TranscriptCheck =
    problems.length === 0
      ? {
          name: 'outputs',
          ok: true,
          detail: named.size === 0 ? 'the transcript names no output files' : `${named.size} output file(s) present with the recorded SHA-256 and size`,
        }
      : { name: 'outputs', ok: false, detail: problems.join('; '), files: [...bad].sort() };
  return { check, named };
}

function sumsCheck(files: FileReader, named: ReadonlyMap<string, TranscriptOutput>, completed: Rec<'completed'> | null): TranscriptCheck {
  const sums = files.read(SUMS_FILE);
  if (!sums.ok) return { name: 'sums', ok: false, detail: `${SUMS_FILE}: ${sums.problem}`, files: [SUMS_FILE] };
  const parsed = parseSha256Sums(sums.bytes.toString('utf8'));
  const problems = parsed.problems.map((p) => `${SUMS_FILE} line ${p.line}: ${p.problem}`);
  const bad = new Set<string>(parsed.problems.length ? [SUMS_FILE] : []);
  for (const e of parsed.entries) {
    const got = files.read(e.file);
    if (!got.ok) {
      problems.push(`${e.file}: ${got.problem}`);
      bad.add(e.file);
    } else if (got.sha256 !== e.sha256) {
      problems.push(`${e.file}: FAILED — listed ${e.sha256}, found ${got.sha256}`);
      bad.add(e.file);
    }
  }
  const listed = new Set(parsed.entries.map((e) => e.file));
  const required = [TRANSCRIPT_FILE, ...(completed?.signedBy ? [TRANSCRIPT_SIGNATURE_FILE] : []), ...named.keys()];
  for (const f of required) {
    if (!listed.has(f)) {
      problems.push(`${f}: not listed in ${SUMS_FILE}`);
      bad.add(f);
    }
  }
  if (problems.length > 0) return { name: 'sums', ok: false, detail: problems.join('; '), files: [...bad].sort() };
  return { name: 'sums', ok: true, detail: `${parsed.entries.length} line(s), each matching its file; lists the transcript, its signature and every output` };
}

interface CmsSigner {
  readonly signer: ParsedCertificate;
  readonly pool: ParsedCertificate[];
  readonly signingTime: Date | null;
}

function signatureCheck(files: FileReader, transcript: Buffer | null, completed: Rec<'completed'> | null): { check: TranscriptCheck; cms: CmsSigner | null } {
  const fail = (detail: string, cms: CmsSigner | null = null) => ({
    check: { name: 'signature' as const, ok: false, detail, files: [TRANSCRIPT_SIGNATURE_FILE] },
    cms,
  });
  if (completed && completed.signedBy === null) return { check: { name: 'signature', ok: true, detail: 'unsigned: the ceremony had no CA key' }, cms: null };
  const p7s = files.read(TRANSCRIPT_SIGNATURE_FILE);
  if (!p7s.ok) return fail(`${TRANSCRIPT_SIGNATURE_FILE}: ${p7s.problem}`);
  if (!transcript) return fail(`${TRANSCRIPT_FILE} cannot be read, so there is nothing to check the signature over`);
  const v = verifyDetachedCms(p7s.bytes, transcript);
  let cms: CmsSigner | null = null;
  try {
    if (v.signerCertificate)
      cms = { signer: parseCertificateFast(v.signerCertificate), pool: v.certificates.map((c) => parseCertificateFast(c)), signingTime: v.signingTime ?? null };
  } catch (e) {
    return fail(`the signer certificate in ${TRANSCRIPT_SIGNATURE_FILE} cannot be read: ${(e as Error).message}`);
  }
  if (!v.ok) return fail(`${TRANSCRIPT_SIGNATURE_FILE} does not verify over ${TRANSCRIPT_FILE}: ${v.problem}`, cms);
  if (!completed) return fail(`the CMS verifies, but ${TRANSCRIPT_FILE} has no "completed" record naming the key that should have signed it`, cms);
  const by = completed.signedBy!;
  const signer = cms!.signer;
  const spkiSha256 = createHash('sha256').update(signer.spki).digest('hex');
  const wrong: string[] = [];
  if (spkiSha256 !== by.spkiSha256) wrong.push(`its key (SPKI SHA-256 ${spkiSha256}) is not the one the completed record names (${by.spkiSha256})`);
  if (signer.sha256 !== by.certificateSha256)
    wrong.push(`its certificate (SHA-256 ${signer.sha256}) is not the one the completed record names (${by.certificateSha256})`);
  if (wrong.length) return fail(`the CMS verifies, but ${wrong.join(' and ')}`, cms);
  return {
    check: {
      name: 'signature',
      ok: true,
      detail: `the CMS over ${TRANSCRIPT_FILE} verifies (${v.digest?.toUpperCase()}), signed by key "${by.key}" (${by.algorithm}) with certificate "${nameToString(signer.subject)}"${v.signingTime ? ` at ${v.signingTime.toISOString()}` : ''}`,
    },
    cms,
  };
}

function trustCheck(trust: readonly Buffer[], cms: CmsSigner | null, completed: Rec<'completed'> | null): TranscriptCheck {
  const anchors: ParsedCertificate[] = [];
  for (const [i, der] of trust.entries()) {
    try {
      anchors.push(parseCertificateFast(der));
    } catch (e) {
      return { name: 'trust', ok: false, detail: `trusted certificate ${i + 1} cannot be read: ${(e as Error).message}` };
    }
  }
  if (!cms)
    return {
      name: 'trust',
      ok: false,
      detail: completed?.signedBy === null ? 'the transcript is unsigned: no signer to trust' : 'no signer certificate to check (see the signature check)',
    };
  // The signer's validity is judged when it signed, not today: a transcript outlives its root's validity.
  const at = cms.signingTime ?? (completed ? new Date(completed.time) : new Date());
  const path = checkPath(cms.signer, cms.pool, anchors, at);
  if (!path.ok)
    return { name: 'trust', ok: false, detail: `the signer "${nameToString(cms.signer.subject)}" does not chain to a trusted certificate: ${path.problem}` };
  const root = path.path.at(-1)!;
  return {
    name: 'trust',
    ok: true,
    detail:
      path.path.length === 1
        ? `the signer certificate is a trusted certificate ("${nameToString(root.subject)}", SHA-256 ${root.sha256})`
        : `the signer chains in ${path.path.length - 1} step(s) to the trusted "${nameToString(root.subject)}" (SHA-256 ${root.sha256})`,
  };
}

function extraFilesCheck(
  files: FileReader,
  named: ReadonlyMap<string, TranscriptOutput>,
  records: readonly TranscriptRecord[],
  completed: Rec<'completed'> | null,
): TranscriptCheck {
  const known = new Set<string>([TRANSCRIPT_FILE, SUMS_FILE, TRANSCRIPT_HTML_FILE, ...named.keys()]);
  if (completed?.signedBy !== null) known.add(TRANSCRIPT_SIGNATURE_FILE);
  // A resumed ceremony moved a half-written step's files aside; the record names them.
  const movedAside = new Set(records.flatMap((r) => (r.type === 'resumed' ? r.movedAside : [])));
  const listing = files.list();
  if (!listing.ok) return { name: 'extra-files', ok: false, detail: listing.problem };
  const extra = listing.entries.filter((e) => !(e.kind === 'file' && (known.has(e.path) || movedAside.has(e.path))));
  const aside = listing.entries.filter((e) => e.kind === 'file' && movedAside.has(e.path) && !known.has(e.path)).map((e) => e.path);
  if (extra.length > 0) {
    return {
      name: 'extra-files',
      ok: false,
      detail: `not accounted for by the transcript: ${extra.map((e) => (e.kind === 'file' ? e.path : `${e.path} (${e.kind})`)).join(', ')}`,
      files: extra.map((e) => e.path),
    };
  }
  return {
    name: 'extra-files',
    ok: true,
    detail: `every file in the directory is accounted for${aside.length ? ` (${aside.length} moved aside by a resume, as recorded: ${aside.join(', ')})` : ''}`,
  };
}

type Read = { ok: true; bytes: Buffer; sha256: string } | { ok: false; problem: string };

/** Reads files under `dir` by their recorded names, refusing names that would leave it; each file read once. */
class FileReader {
  readonly #cache = new Map<string, Read>();
  constructor(readonly dir: string) {}

  read(name: string): Read {
    let r = this.#cache.get(name);
    if (!r) this.#cache.set(name, (r = this.#readOnce(name)));
    return r;
  }

  #readOnce(name: string): Read {
    const bad = nameProblem(name);
    if (bad) return { ok: false, problem: `refused as a file name: ${bad}` };
    const path = join(this.dir, name);
    try {
      const bytes = readMediaFile(path, MAX_FILE_BYTES, 'transcript file');
      return { ok: true, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    } catch (e) {
      if (!(e instanceof MediaFileError)) throw e;
      if (e.code === 'FILE_SYMLINK_REFUSED') return { ok: false, problem: 'is a symbolic link, not a file' };
      if (e.code === 'FILE_NOT_REGULAR') return { ok: false, problem: 'is not a regular file' };
      if (e.code === 'FILE_TOO_LARGE') return { ok: false, problem: `is larger than ${MAX_FILE_BYTES} bytes` };
      if (e.code === 'FILE_CHANGED_WHILE_OPENING') return { ok: false, problem: 'changed while it was being opened' };
      return { ok: false, problem: e.errno === 'ENOENT' ? 'MISSING' : `cannot be read (${e.errno ?? 'unknown error'})` };
    }
  }

  /** Everything under dir: files, and anything else (directories only when empty, links, devices) by kind. */
  list(): { ok: true; entries: { path: string; kind: string }[] } | { ok: false; problem: string } {
    const entries: { path: string; kind: string }[] = [];
    const walk = (rel: string, depth: number): void => {
      const names = readdirSync(rel ? join(this.dir, rel) : this.dir).sort();
      if (rel && names.length === 0) entries.push({ path: rel, kind: 'empty directory' });
      for (const n of names) {
        const p = rel ? `${rel}/${n}` : n;
        const st = lstatSync(join(this.dir, p));
        if (st.isDirectory()) {
          if (depth >= 16) entries.push({ path: p, kind: 'directory nested too deep' });
          else walk(p, depth + 1);
        } else entries.push({ path: p, kind: st.isFile() ? 'file' : st.isSymbolicLink() ? 'symbolic link' : 'special file' });
      }
    };
    try {
      walk('', 0);
      return { ok: true, entries };
    } catch (e) {
      return { ok: false, problem: `cannot list ${this.dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }
}
