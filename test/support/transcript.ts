import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readTranscriptChain } from '../../main/ceremony/transcript/transcript-chain.js';
import type { TranscriptRecord, TranscriptType } from '../../main/ceremony/transcript/transcript-record.js';

/** A ceremony's transcript.jsonl, its chain checked; `of(type)` picks records by type. */
export function readTranscript(dir: string): {
  records: TranscriptRecord[];
  of: <T extends TranscriptType>(type: T) => Extract<TranscriptRecord, { type: T }>[];
} {
  const reading = readTranscriptChain(readFileSync(join(dir, 'transcript.jsonl')));
  expect(reading.problem).toBeNull();
  return {
    records: reading.records,
    of: <T extends TranscriptType>(type: T) => reading.records.filter((r) => r.type === type) as Extract<TranscriptRecord, { type: T }>[],
  };
}

/** The independent checks of a finished ceremony's medium: openssl on the CMS, coreutils on SHA256SUMS. */
export function assertMediumVerifies(dir: string, caPem: string): void {
  execFileSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'transcript.jsonl.p7s'),
      '-content',
      join(dir, 'transcript.jsonl'),
      '-CAfile',
      caPem,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    { stdio: 'pipe' },
  );
  execFileSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir, stdio: 'pipe' });
}

/** What every finished ceremony with a CA leaves next to its certificates or CRLs (publication/ is the bundle for the online side). */
export const FINISHED_FILES = ['SHA256SUMS', 'publication', 'transcript.html', 'transcript.jsonl', 'transcript.jsonl.p7s'];
