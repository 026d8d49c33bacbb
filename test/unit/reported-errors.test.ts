import { describe, expect, it } from 'vitest';
import { pendingErrors, withoutResolved, withReported, type Reported } from '../../renderer/src/components/reported-errors.js';

const failure = (id: number, section: Reported['section'], action: string): Reported => ({
  id,
  section,
  action,
  context: 'X',
  code: `CODE_${id}`,
  message: 'm',
});

describe('reported errors', () => {
  it('keeps one error per screen and action, the newest last', () => {
    let list = withReported([], failure(1, 'qa', 'verify'));
    list = withReported(list, failure(2, 'qa', 'save-report'));
    list = withReported(list, failure(3, 'qa', 'verify'));
    expect(list.map((r) => r.id)).toEqual([2, 3]);
  });

  it('shows a screen its own errors and the window’s, never another screen’s', () => {
    const list = [failure(1, 'qa', 'verify'), failure(2, null, 'info'), failure(3, 'station', 'run')];
    expect(pendingErrors(list, 'station').map((r) => r.id)).toEqual([2, 3]);
    expect(pendingErrors(list, 'audit').map((r) => r.id)).toEqual([2]);
  });

  it('a success clears only that screen’s actions, and changes nothing when nothing matched', () => {
    const list = [failure(1, 'qa', 'verify'), failure(2, 'inventory', 'verify'), failure(3, 'qa', 'device')];
    expect(withoutResolved(list, 'qa', ['verify']).map((r) => r.id)).toEqual([2, 3]);
    expect(withoutResolved(list, 'audit', ['verify'])).toBe(list);
  });
});
