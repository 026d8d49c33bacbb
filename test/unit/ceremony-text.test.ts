import { describe, expect, it } from 'vitest';
import type { CeremonyRunView } from '../../preload/api.js';
import { hexLines, nameMatches, runProgress, svgDataUrl, wordLines } from '../../renderer/src/ceremony/ceremony-text.js';

const hex = 'ab'.repeat(32);

describe('ceremony text', () => {
  it('groups hex four digits at a time, eight groups a line', () => {
    const lines = hexLines(hex);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('abab abab abab abab abab abab abab abab');
    expect(lines.join('').replace(/ /g, '')).toBe(hex);
  });

  it('numbers the words four a line from 1', () => {
    const words = Array.from({ length: 32 }, (_, i) => `w${i}`);
    const lines = wordLines(words);
    expect(lines).toHaveLength(8);
    expect(lines[1]).toEqual({ n: 5, words: ['w4', 'w5', 'w6', 'w7'] });
  });

  it('encodes an SVG as a base64 data URL that decodes to the same text', () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1]!, 'base64').toString('utf8')).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
  });

  it('accepts only the exact name, spaces around aside', () => {
    expect(nameMatches('  Bob Custodian ', 'Bob Custodian')).toBe(true);
    expect(nameMatches('bob custodian', 'Bob Custodian')).toBe(false);
    expect(nameMatches('Bob', 'Bob Custodian')).toBe(false);
  });

  it('describes progress through the steps', () => {
    const run: CeremonyRunView = {
      runId: 'r',
      revision: 3,
      name: 'n',
      kind: 'root',
      scriptSha256: hex,
      phase: 'running',
      startedAt: '',
      finishedAt: null,
      current: 1,
      log: [],
      clockUtc: null,
      secretRequest: null,
      shareTypeBack: null,
      result: null,
      error: null,
      witnesses: [],
      exceptions: [],
      steps: [
        { id: 'a', say: '', action: null, state: 'done', acks: [], kind: 'script' },
        {
          id: 'b',
          say: '',
          action: 'generate-key',
          state: 'acknowledging',
          acks: [
            { role: 'administrator', name: 'A', time: 't' },
            { role: 'witnesses', name: 'W', time: null },
          ],
          kind: 'script',
        },
        { id: 'c', say: '', action: null, state: 'pending', acks: [], kind: 'script' },
      ],
    };
    expect(runProgress(run)).toEqual({ done: 1, total: 3, label: 'step 2 of 3: 1 of 2 acknowledgments' });
    expect(runProgress({ ...run, phase: 'aborted' }).label).toBe('stopped at step 2 of 3');
    expect(runProgress({ ...run, phase: 'completed' }).label).toBe('all 3 steps done');
    const secretRequest = { id: 'q', kind: 'passphrase' as const, what: 'x', custodian: 'Bob', who: 'Bob', step: 'b' };
    expect(runProgress({ ...run, secretRequest }).label).toBe("step 2 of 3: waiting for Bob's passphrase");
  });

  it('counts script steps only: the clock confirmation comes before step 1, a comparison belongs to its step', () => {
    const base: CeremonyRunView = {
      runId: 'r',
      revision: 1,
      name: 'n',
      kind: 'root',
      scriptSha256: hex,
      phase: 'running',
      startedAt: '',
      finishedAt: null,
      current: 0,
      log: [],
      clockUtc: null,
      secretRequest: null,
      shareTypeBack: null,
      result: null,
      error: null,
      witnesses: [],
      exceptions: [],
      steps: [
        { id: 'preflight-clock', say: '', action: null, state: 'acknowledging', acks: [{ role: 'witnesses', name: 'W', time: null }], kind: 'preflight-clock' },
        { id: 'sign', say: '', action: 'sign-root', state: 'pending', acks: [], kind: 'script' },
        { id: 'sign-rehearsal-comparison', say: '', action: null, state: 'pending', acks: [], kind: 'rehearsal-comparison' },
        { id: 'end', say: '', action: null, state: 'pending', acks: [], kind: 'script' },
      ],
    };
    expect(runProgress(base)).toEqual({ done: 0, total: 2, label: 'before step 1: witnesses confirm the clock (0 of 1)' });
    const comparing: CeremonyRunView = {
      ...base,
      current: 2,
      steps: base.steps.map((s, i) =>
        i === 0
          ? { ...s, state: 'done' }
          : i === 1
            ? { ...s, state: 'working' }
            : i === 2
              ? { ...s, state: 'acknowledging', acks: [{ role: 'witnesses', name: 'W', time: null }] }
              : s,
      ),
    };
    expect(runProgress(comparing).label).toBe('step 1 of 2: 0 of 1 acknowledgments');
  });
});
