import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_BACK_ATTEMPTS, typeBackShares, type ShareOnMedium } from '../../main/ceremony/share-type-back.js';
import type { ShareTypeBackRequest } from '../../main/ceremony/ceremony-request.js';
import { generateSharedKey } from '../../main/keys/shares/shared-key-store.js';
import { Workspace } from '../../main/store/workspace.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The type-back check on its own, with real shares and sheets written by the shares
 * store and a real workspace: what a custodian is told, how often they may retry, and
 * that only their own share, byte for byte, is accepted.
 */
const tmp = tempDir('hallmark-share-type-back-');
let ws: Workspace;
let shares: ShareOnMedium[];
let texts: string[];
const custodians = [
  { custodian: 'Bob Custodian', passphrase: 'bob-passphrase-7a1c' },
  { custodian: 'Carol Custodian', passphrase: 'carol-passphrase-2d9e' },
];

/** What a person reads off the printed sheet. */
const fromSheet = (path: string) =>
  [...readFileSync(path, 'utf8').matchAll(/<td class="line">([^<]*)<span class="check">([^<]*)<\/span><\/td>/g)].map((m) => `${m[1]} ${m[2]}`).join('\n');

beforeAll(async () => {
  ws = Workspace.init(join(tmp.path, 'ws'), 'test').workspace;
  const made = await generateSharedKey({ label: 'k', algorithm: 'ecdsa-p256', threshold: 2, custodians, outDir: tmp.path });
  shares = made.location.shares.map((e, i) => ({ index: e.index, custodian: e.custodian, file: made.shareFiles[i]!, sheet: basename(made.sheetFiles[i]!) }));
  texts = made.sheetFiles.map(fromSheet);
});
afterAll(() => {
  ws?.close();
  tmp.dispose();
});

const run = (typeBack: (r: ShareTypeBackRequest) => Promise<string>, which = shares) =>
  typeBackShares({ ws, typeBack, ceremony: 'c', step: 'split', label: 'k', total: 2, shares: which });

describe('typing shares back', () => {
  it('asks again with the problem after a typo, and gives up after three tries naming the custodian', async () => {
    const asked: ShareTypeBackRequest[] = [];
    const typo = texts[0]!.replace(/\n(.)/, (_, c: string) => `\n${c === 'A' ? 'B' : 'A'}`);
    await expect(run(async (r) => (asked.push(r), typo), [shares[0]!])).rejects.toMatchObject({
      code: 'CEREMONY_TYPE_BACK_FAILED',
      message: expect.stringContaining('"Bob Custodian" could not type share 1 of 2'),
    });
    expect(asked).toHaveLength(TYPE_BACK_ATTEMPTS);
    expect(asked[0]!.problem).toBeUndefined();
    expect(asked[1]!.problem).toContain('line 2 has a typo');
    expect(new Set(asked.map((r) => r.id)).size).toBe(TYPE_BACK_ATTEMPTS);
    expect(asked.map((r) => r.sheet)).toEqual(Array(TYPE_BACK_ATTEMPTS).fill('k.share-1-of-2.html'));
  });

  it("refuses another custodian's valid share, then accepts the right one and audits it with the custodian as actor", async () => {
    const asked: ShareTypeBackRequest[] = [];
    const typed = await run(async (r) => {
      asked.push(r);
      // Carol first picks up Bob's sheet.
      return r.custodian === 'Carol Custodian' && r.problem === undefined ? texts[0]! : texts[r.index - 1]!;
    });
    expect(asked.map((r) => `${r.custodian}:${r.index}`)).toEqual(['Bob Custodian:1', 'Carol Custodian:2', 'Carol Custodian:2']);
    expect(asked[2]!.problem).toBe('the text typed is share 1, not share 2: type the sheet of Carol Custodian (k.share-2-of-2.html)');
    expect([...typed.entries()].map(([i, t]) => [i, t.typedBack, t.typeBackAttempts])).toEqual([
      [1, true, 1],
      [2, true, 2],
    ]);
    const audit = ws.audit.query({ offset: 0, limit: 10, action: 'ceremony.share-typed-back' });
    expect(audit.entries.map((e) => e.actor).sort()).toEqual(['Bob Custodian', 'Carol Custodian']);
  });
});
