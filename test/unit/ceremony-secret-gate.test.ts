import { describe, expect, it } from 'vitest';
import type { CeremonySecretRequestView } from '../../preload/api.js';
import { SecretGate } from '../../main/api/ceremony-secret-gate.js';
import { HallmarkError } from '../../main/errors/hallmark-error.js';

function gate() {
  const asked: CeremonySecretRequestView[] = [];
  let answered = 0;
  const g = new SecretGate({ asking: (r) => asked.push(r), answered: () => (answered += 1) }, 'Alice Admin');
  return { g, asked, answered: () => answered };
}

const pinRequest = {
  id: 'pin-HALLMARK_CEREMONY_PIN',
  kind: 'pin' as const,
  what: 'the PKCS#11 PIN of token serial 1a2b',
  env: 'HALLMARK_CEREMONY_PIN',
  custodian: null,
  step: 'generate-key',
};

describe('SecretGate', () => {
  it('asks the administrator for a PIN and a custodian for their passphrase, and hands the answer to the run only', async () => {
    const { g, asked, answered } = gate();
    const pin = g.prompt(pinRequest);
    expect(asked[0]).toMatchObject({ kind: 'pin', who: 'Alice Admin', custodian: null, step: 'generate-key', what: pinRequest.what });
    expect(Object.keys(asked[0]!).sort()).toEqual(['custodian', 'id', 'kind', 'step', 'what', 'who']);
    g.provide(asked[0]!.id, '580213');
    await expect(pin).resolves.toBe('580213');
    expect(answered()).toBe(1);
    const pass = g.prompt({
      id: 'pass-BOB',
      kind: 'passphrase',
      what: 'custodian "Bob"\'s passphrase',
      env: 'HALLMARK_PASSPHRASE_BOB',
      custodian: 'Bob Custodian',
      step: 'generate-key',
    });
    expect(asked[1]).toMatchObject({ who: 'Bob Custodian', custodian: 'Bob Custodian' });
    expect(JSON.stringify(asked)).not.toContain('580213');
    g.provide(asked[1]!.id, 'correct horse battery');
    await expect(pass).resolves.toBe('correct horse battery');
  });

  it('refuses an answer to another request, or when nothing is asked, and keeps waiting', async () => {
    const { g, asked } = gate();
    expect(() => g.provide('nope', 'x')).toThrow(/not waiting for a PIN or passphrase/);
    const pin = g.prompt(pinRequest);
    let err: unknown;
    try {
      g.provide('pin-HALLMARK_CEREMONY_PIN', 'x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HallmarkError);
    expect((err as HallmarkError).code).toBe('CEREMONY_SECRET_UNEXPECTED');
    expect((err as HallmarkError).message).not.toContain('x"');
    g.provide(asked[0]!.id, 'right');
    await expect(pin).resolves.toBe('right');
  });

  it('an abort rejects the prompt waiting now and any later one', async () => {
    const { g, answered } = gate();
    const pin = g.prompt(pinRequest);
    const stop = new HallmarkError('CEREMONY_ABORTED', 'aborted: the token is gone');
    g.abort(stop);
    await expect(pin).rejects.toBe(stop);
    expect(answered()).toBe(1);
    await expect(g.prompt(pinRequest)).rejects.toBe(stop);
  });
});
