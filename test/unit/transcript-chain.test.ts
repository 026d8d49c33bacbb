import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CeremonyError } from '../../main/ceremony/ceremony-errors.js';
import { formatSha256Sums, parseSha256Sums } from '../../main/ceremony/transcript/sha256-sums.js';
import { lineHash, readTranscriptChain, TranscriptWriter } from '../../main/ceremony/transcript/transcript-chain.js';
import { GENESIS_PREV, TRANSCRIPT_FORMAT } from '../../main/ceremony/transcript/transcript-format.js';
import type { TranscriptEvent } from '../../main/ceremony/transcript/transcript-record.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-chain-');
afterAll(() => tmp.dispose());

const started: TranscriptEvent = {
  type: 'started',
  format: TRANSCRIPT_FORMAT,
  ceremonyId: 'c-1',
  ceremony: 'acme-root-2026',
  kind: 'root',
  rehearsal: true,
  dryRun: false,
  script: { path: '/media/script.yaml', sha256: 'ab'.repeat(32), words: [], qrText: 'x', approvedHash: 'ab'.repeat(32) },
  binding: {},
  participants: { administrator: 'Alice Admin', custodians: ['Bob Custodian'], witnesses: ['Dave Witness'] },
  actor: 'alice',
  steps: [{ id: 'intro', action: null, acknowledge: ['administrator'] }],
  plannedOutputs: [],
};

let n = 0;
/** A transcript of `count` records (started + step records) in a fresh file. */
function written(count: number): { path: string; lines: string[] } {
  const path = join(tmp.path, `t${++n}.jsonl`);
  const w = TranscriptWriter.create(path);
  w.append(started, new Date('2026-11-28T10:00:00Z'));
  for (let i = 1; i < count; i++)
    w.append({ type: 'acknowledged', step: 'intro', role: 'administrator', name: `Alice ${i}`, via: 'ack-file' }, new Date(Date.UTC(2026, 10, 28, 10, 0, i)));
  w.close();
  const text = readFileSync(path, 'utf8');
  return { path, lines: text.slice(0, -1).split('\n') };
}

const join_ = (lines: readonly string[]) => `${lines.join('\n')}\n`;

describe('transcript chain', () => {
  it('writes canonical lines chained from the genesis prev, and reads them back whole', () => {
    const { path, lines } = written(5);
    expect(lines).toHaveLength(5);
    const first = JSON.parse(lines[0]!) as { seq: number; prev: string };
    expect(first.seq).toBe(1);
    expect(first.prev).toBe(GENESIS_PREV);
    expect((JSON.parse(lines[3]!) as { prev: string }).prev).toBe(lineHash(lines[2]!));
    const reading = readTranscriptChain(readFileSync(path));
    expect(reading.problem).toBeNull();
    expect(reading.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(reading.head).toBe(lineHash(lines[4]!));
  });

  it('names line 3 when line 3 is edited (re-serialized canonically, so only the chain can tell)', () => {
    const { lines } = written(5);
    const edited = JSON.parse(lines[2]!) as Record<string, unknown>;
    edited.name = 'Mallory';
    const forged = [...lines];
    forged[2] = JSON.stringify(Object.fromEntries(Object.entries(edited).sort(([a], [b]) => (a < b ? -1 : 1))));
    const reading = readTranscriptChain(join_(forged));
    // Line 3 itself still chains to line 2: the break shows at the next line, which named the original.
    expect(reading.problem?.line).toBe(4);
    expect(reading.problem?.problem).toMatch(/prev does not match the SHA-256 of line 3/);
    expect(reading.records).toHaveLength(3);
  });

  it('names the edited line itself when the edit is not canonical JSON', () => {
    const { lines } = written(5);
    const forged = [...lines];
    forged[1] = forged[1]!.replace('"Alice 1"', '"Alice 1" ');
    expect(readTranscriptChain(join_(forged)).problem).toMatchObject({ line: 2, problem: expect.stringMatching(/canonical/) });
    forged[1] = '{not json';
    expect(readTranscriptChain(join_(forged)).problem).toMatchObject({ line: 2, problem: 'not JSON' });
  });

  it('names the line where a record was dropped', () => {
    const { lines } = written(6);
    const reading = readTranscriptChain(join_([...lines.slice(0, 3), ...lines.slice(4)]));
    expect(reading.problem?.line).toBe(4);
    expect(reading.problem?.problem).toMatch(/seq is 5, expected 4/);
  });

  it('names the line where a record was inserted, even one chained to its predecessor', () => {
    const { lines } = written(5);
    const inserted = JSON.stringify({
      name: 'Mallory',
      prev: lineHash(lines[1]!),
      role: 'witnesses',
      seq: 3,
      step: 'intro',
      time: '2026-11-28T10:00:01.500Z',
      type: 'acknowledged',
      via: 'terminal',
    });
    const reading = readTranscriptChain(join_([...lines.slice(0, 2), inserted, ...lines.slice(2)]));
    expect(reading.problem?.line).toBe(4);
    expect(reading.records).toHaveLength(3);
  });

  it('names the first moved line when two records are swapped', () => {
    const { lines } = written(5);
    const swapped = [lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!];
    expect(readTranscriptChain(join_(swapped)).problem).toMatchObject({ line: 2, problem: expect.stringMatching(/seq is 3, expected 2/) });
  });

  it('names the cut-off last line when the file is truncated mid-line, and reads a cleanly truncated file as shorter', () => {
    const { lines } = written(5);
    const text = join_(lines);
    const cut = text.slice(0, text.length - 20);
    const reading = readTranscriptChain(cut);
    expect(reading.problem?.line).toBe(5);
    expect(reading.problem?.problem).toMatch(/not terminated by a newline/);
    // Whole lines dropped from the end still chain: that is what the `completed` check and the signature are for.
    expect(readTranscriptChain(join_(lines.slice(0, 3))).problem).toBeNull();
    expect(readTranscriptChain('').problem).toMatchObject({ line: 1 });
  });

  it('resumes an interrupted transcript where it ended, continuing seq and prev', () => {
    const { path, lines } = written(3);
    const { writer, records } = TranscriptWriter.resume(path);
    expect(records).toHaveLength(3);
    expect(writer.head).toBe(lineHash(lines[2]!));
    const r = writer.append({ type: 'resumed', by: 'alice', committedSteps: 0, movedAside: [] });
    writer.close();
    expect(r.seq).toBe(4);
    expect(r.prev).toBe(lineHash(lines[2]!));
    const reading = readTranscriptChain(readFileSync(path));
    expect(reading.problem).toBeNull();
    expect(reading.records.map((x) => x.type)).toEqual(['started', 'acknowledged', 'acknowledged', 'resumed']);
  });

  it('refuses to resume a broken transcript, naming the line, and never overwrites one', () => {
    const { path } = written(3);
    appendFileSync(path, '{"half":');
    expect(() => TranscriptWriter.resume(path)).toThrow(/line 4: the last line is not terminated/);
    try {
      TranscriptWriter.create(path);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CeremonyError);
      expect((e as CeremonyError).code).toBe('CEREMONY_OUTPUT_EXISTS');
    }
  });
});

describe('SHA256SUMS', () => {
  const h = (c: string) => c.repeat(64);
  it('sorts by name and writes the two-space text form sha256sum -c reads', () => {
    const text = formatSha256Sums([
      { file: 'transcript.jsonl', sha256: h('a'), bytes: 1 },
      { file: 'publication/root.crt', sha256: h('b'), bytes: 1 },
      { file: 'Root.pem', sha256: h('c'), bytes: 1 },
    ]);
    expect(text).toBe(`${h('c')}  Root.pem\n${h('b')}  publication/root.crt\n${h('a')}  transcript.jsonl\n`);
    expect(parseSha256Sums(text)).toEqual({
      entries: [
        { file: 'Root.pem', sha256: h('c') },
        { file: 'publication/root.crt', sha256: h('b') },
        { file: 'transcript.jsonl', sha256: h('a') },
      ],
      problems: [],
    });
  });

  it('refuses names sha256sum would escape or that leave the directory', () => {
    for (const file of ['../x', '/etc/passwd', 'a\nb', 'a\\b', 'a//b', './a', ''])
      expect(() => formatSha256Sums([{ file, sha256: h('a'), bytes: 1 }])).toThrow(CeremonyError);
    expect(() => formatSha256Sums([{ file: 'a', sha256: h('A'), bytes: 1 }])).toThrow(/lowercase hex/);
  });

  it('parses strictly, naming each bad line', () => {
    const text = [
      `${h('a')}  ok.pem`,
      `${h('a')} *binary.pem`,
      `${h('A')}  upper.pem`,
      '',
      `${h('b')}  ../escape`,
      `${h('c')}  ok.pem`,
      `${h('d')}  last.pem`,
    ].join('\n');
    const parsed = parseSha256Sums(text);
    expect(parsed.entries).toEqual([
      { file: 'ok.pem', sha256: h('a') },
      { file: 'last.pem', sha256: h('d') },
    ]);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(parsed.problems.find((p) => p.line === 6)?.problem).toMatch(/already listed on line 1/);
    expect(parseSha256Sums('').problems).toEqual([{ line: 1, problem: 'the file is empty' }]);
  });
});
