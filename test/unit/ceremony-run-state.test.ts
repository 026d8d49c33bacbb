import { describe, expect, it } from 'vitest';
import type { CeremonyAckView } from '../../preload/api.js';
import { CeremonyRunState } from '../../main/api/ceremony-run-state.js';
import type { CeremonyScript } from '../../main/ceremony/ceremony-script-schema.js';

const script = {
  version: 1,
  kind: 'root',
  name: 'acme-root',
  participants: { administrator: 'Alice', custodians: ['Bob'], witnesses: ['Dave'] },
  preflight: { requireNoNetwork: false },
  steps: [
    { id: 'checked', say: 'check', acknowledge: ['witnesses'] },
    { id: 'generate-key', say: 'generate', acknowledge: ['administrator'], action: 'generate-key' },
    { id: 'sign-root', say: 'sign', acknowledge: ['administrator'], action: 'sign-root' },
    { id: 'read-aloud', say: 'read', acknowledge: ['witnesses'] },
  ],
} as unknown as CeremonyScript;

const witness = (time: string | null): CeremonyAckView[] => [{ role: 'witnesses', name: 'Dave', time }];
const admin = (time: string | null): CeremonyAckView[] => [{ role: 'administrator', name: 'Alice', time }];
const states = (s: CeremonyRunState) => s.view.steps.map((x) => `${x.id}:${x.kind}:${x.state}`);

describe('CeremonyRunState', () => {
  it('shows the clock confirmation as a row before the first step, with the pre-flight clock', () => {
    const s = new CeremonyRunState('r', script, 'ab');
    s.say('pre-flight:\n  clock (UTC)      2026-11-28T10:00:00.123Z  — witness: confirm against a trusted clock\n  app ...');
    s.waiting({ id: 'preflight-clock', say: 'Witnesses confirm the clock' }, witness(null));
    expect(s.view.clockUtc).toBe('2026-11-28T10:00:00.123Z');
    expect(s.view.current).toBe(0);
    expect(states(s)).toEqual([
      'preflight-clock:preflight-clock:acknowledging',
      'checked:script:pending',
      'generate-key:script:pending',
      'sign-root:script:pending',
      'read-aloud:script:pending',
    ]);
    s.acknowledged('preflight-clock', witness('t'));
    s.waiting({ id: 'checked', say: 'check' }, witness(null));
    expect(s.view.current).toBe(1);
    expect(states(s).slice(0, 2)).toEqual(['preflight-clock:preflight-clock:done', 'checked:script:acknowledging']);
  });

  it('takes the clock from the step text when the log has none', () => {
    const s = new CeremonyRunState('r', script, 'ab');
    s.waiting({ id: 'preflight-clock', say: 'The clock read 2026-11-28T10:00:00Z at pre-flight' }, witness(null));
    expect(s.view.clockUtc).toBe('2026-11-28T10:00:00Z');
  });

  it('puts a rehearsal comparison after its signing step, which stays working until the next step', () => {
    const s = new CeremonyRunState('r', script, 'ab');
    s.waiting({ id: 'checked', say: 'check' }, witness(null));
    s.acknowledged('checked', witness('t'));
    s.waiting({ id: 'generate-key', say: 'g' }, admin(null));
    s.acknowledged('generate-key', admin('t'));
    s.waiting({ id: 'sign-root', say: 's' }, admin(null));
    s.acknowledged('sign-root', admin('t'));
    s.waiting({ id: 'sign-root-rehearsal-comparison', say: 'matches the rehearsal' }, [...admin(null), ...witness(null)]);
    expect(states(s)).toEqual([
      'checked:script:done',
      'generate-key:script:done',
      'sign-root:script:working',
      'sign-root-rehearsal-comparison:rehearsal-comparison:acknowledging',
      'read-aloud:script:pending',
    ]);
    expect(s.view.current).toBe(3);
    s.acknowledged('sign-root-rehearsal-comparison', [...admin('t'), ...witness('t')]);
    expect(s.view.current).toBe(2);
    expect(s.view.steps[3]!.state).toBe('done');
    s.waiting({ id: 'read-aloud', say: 'r' }, witness(null));
    expect(states(s).slice(2, 4)).toEqual(['sign-root:script:done', 'sign-root-rehearsal-comparison:rehearsal-comparison:done']);
  });

  it('fails both the comparison and its signing step when the ceremony stops during the comparison', () => {
    const s = new CeremonyRunState('r', script, 'ab');
    s.waiting({ id: 'sign-root', say: 's' }, admin(null));
    s.acknowledged('sign-root', admin('t'));
    s.waiting({ id: 'sign-root-rehearsal-comparison', say: 'c' }, admin(null));
    s.aborted('CEREMONY_ABORTED', 'aborted: no');
    expect(s.view.steps.filter((x) => x.state === 'failed').map((x) => x.id)).toEqual(['sign-root', 'sign-root-rehearsal-comparison']);
  });

  it('shows an unknown extra acknowledgment before the next step not yet begun', () => {
    const s = new CeremonyRunState('r', script, 'ab');
    s.waiting({ id: 'checked', say: 'check' }, witness(null));
    s.acknowledged('checked', witness('t'));
    s.waiting({ id: 'something-new', say: 'new' }, witness(null));
    expect(s.view.steps[1]).toMatchObject({ id: 'something-new', kind: 'extra', state: 'acknowledging' });
  });

  it('publishes a secret request and clears it when answered or when the run ends', () => {
    const s = new CeremonyRunState('r', script, 'ab');
    const req = { id: 'q1', kind: 'pin' as const, what: 'the PIN', custodian: null, who: 'Alice', step: 'generate-key' };
    s.asking(req);
    expect(s.snapshot().secretRequest).toEqual(req);
    s.answered();
    expect(s.view.secretRequest).toBeNull();
    s.asking(req);
    s.aborted('X', 'y');
    expect(s.view.secretRequest).toBeNull();
  });
});
