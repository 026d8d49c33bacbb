import { CeremonyError } from '../ceremony-errors.js';
import type { TranscriptOutput } from './transcript-record.js';

export interface Sha256SumsEntry {
  readonly file: string;
  readonly sha256: string;
}

export interface Sha256SumsProblem {
  /** 1-based line number in SHA256SUMS */
  readonly line: number;
  readonly problem: string;
}

export interface Sha256Sums {
  readonly entries: Sha256SumsEntry[];
  readonly problems: Sha256SumsProblem[];
}

/**
 * SHA256SUMS in the text mode `sha256sum` writes and `sha256sum -c` reads: `<hex>  <name>`
 * (two spaces), one line per file, sorted by name bytes so the same outputs always give
 * the same file. Names are relative to the output directory with `/` separators.
 */
export function formatSha256Sums(files: readonly TranscriptOutput[]): string {
  const seen = new Set<string>();
  for (const f of files) {
    const problem = nameProblem(f.file);
    if (problem) throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `SHA256SUMS cannot list "${f.file}": ${problem}`);
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `SHA256SUMS: "${f.file}" has no lowercase hex SHA-256`);
    if (seen.has(f.file)) throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `SHA256SUMS: "${f.file}" is listed twice`);
    seen.add(f.file);
  }
  return [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.file, 'utf8'), Buffer.from(b.file, 'utf8')))
    .map((f) => `${f.sha256}  ${f.file}\n`)
    .join('');
}

/**
 * Reads SHA256SUMS strictly: only what formatSha256Sums writes is accepted (lowercase
 * hex, two spaces, a plain relative name, a final newline, each name once). A verifier
 * must not be lenient here, since a line it skips is a file nobody checks; every bad
 * line is named and left out of `entries`.
 */
export function parseSha256Sums(text: string): Sha256Sums {
  const entries: Sha256SumsEntry[] = [];
  const problems: Sha256SumsProblem[] = [];
  if (text === '') return { entries, problems: [{ line: 1, problem: 'the file is empty' }] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else problems.push({ line: lines.length, problem: 'the last line is not terminated by a newline' });
  const seen = new Map<string, number>();
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    // sha256sum's escaped form (a leading backslash) and binary mode (` *name`) are not ours
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) {
      problems.push({ line: n, problem: line.trim() === '' ? 'empty line' : 'not "<64 lowercase hex>  <name>"' });
      continue;
    }
    const file = m[2]!;
    const problem = nameProblem(file);
    if (problem) {
      problems.push({ line: n, problem: `"${file}": ${problem}` });
      continue;
    }
    const first = seen.get(file);
    if (first !== undefined) {
      problems.push({ line: n, problem: `"${file}" is already listed on line ${first}` });
      continue;
    }
    seen.set(file, n);
    entries.push({ file, sha256: m[1]! });
  }
  return { entries, problems: problems.sort((a, b) => a.line - b.line) };
}

/** Names that would make `sha256sum -c` read outside the directory, or that it would read differently. */
export function nameProblem(file: string): string | null {
  if (file === '') return 'empty name';
  if (/[\n\r\\]/.test(file)) return 'newlines and backslashes make sha256sum escape the line';
  if (file.startsWith('/')) return 'an absolute path';
  if (file.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'not a plain relative path';
  return null;
}
