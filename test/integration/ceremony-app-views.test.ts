import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ceremonyDetail, ceremonyList } from '../../main/api/ceremony-register.js';
import { checkPreflight, runPreflight } from '../../main/ceremony/preflight.js';
import { isHallmarkError } from '../../main/errors/hallmark-error.js';
import { CeremonyRepository } from '../../main/store/ceremony-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

/** What the Ceremonies screen reads besides the run: every pre-flight check at once, and the ceremony register. */
const dirs = tempDir('hallmark-ceremony-views-');
let hsm: SoftHsm | undefined;

beforeAll(() => {
  if (softHsmAvailable()) hsm = createSoftHsm([{ label: 'root-token' }, { label: 'factory-token' }]);
});
afterAll(() => {
  hsm?.dispose();
  dirs.dispose();
});

describe.skipIf(!softHsmAvailable())('pre-flight checks', () => {
  it('passes with both tokens present and records the second one with its role', () => {
    const [root, factory] = hsm!.tokens;
    const { result, checks } = checkPreflight({
      workspace: dirs.path,
      requireNoNetwork: false,
      modulePath: hsm!.modulePath,
      tokenSerial: root!.serial,
      extraTokens: [{ modulePath: hsm!.modulePath, tokenSerial: factory!.serial, role: "intermediate's token" }],
    });
    expect(checks.map((c) => `${c.name}:${c.status}`).slice(0, 6)).toEqual([
      'clock:pass',
      'app:pass',
      'workspace:pass',
      'token:pass',
      'token:pass',
      'network:pass',
    ]);
    // The machine's swap and core dumps come last: warnings at most, never a failure.
    expect(checks.slice(6).map((c) => c.name)).toEqual(['swap', 'core-dumps']);
    expect(checks.slice(6).every((c) => c.status !== 'fail')).toBe(true);
    expect(checks[4]!.summary).toContain(`intermediate's token: "factory-token" serial ${factory!.serial}`);
    expect(result?.token?.serial).toBe(root!.serial);
    expect(result?.extraTokens).toEqual([expect.objectContaining({ role: "intermediate's token", label: 'factory-token', serial: factory!.serial })]);
  });

  it('reports every failed check, and runPreflight names them all in one error', () => {
    const args = {
      workspace: dirs.path,
      requireNoNetwork: false,
      modulePath: hsm!.modulePath,
      tokenSerial: 'feedfeedfeedfeed',
      extraTokens: [{ modulePath: join(dirs.path, 'no-such-module.so'), tokenSerial: hsm!.tokens[1]!.serial, role: "intermediate's token" }],
    };
    const { result, checks } = checkPreflight(args);
    expect(result).toBeNull();
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['token', 'token']);
    expect(checks.find((c) => c.name === 'clock')?.status).toBe('pass');
    let err: unknown;
    try {
      runPreflight(args);
    } catch (e) {
      err = e;
    }
    expect(isHallmarkError(err) && err.code).toBe('CEREMONY_PREFLIGHT_FAILED');
    const message = (err as Error).message;
    expect(message).toContain('no initialized token with serial feedfeedfeedfeed');
    expect(message).toContain("intermediate's token: ");
    expect(message).not.toContain('no initialized token with serial feedfeedfeedfeed (present: none)');
  });

  it('without a token the record says token: null and no extra tokens', () => {
    const { result, checks } = checkPreflight({ workspace: dirs.path, requireNoNetwork: false });
    expect(result).toMatchObject({ token: null, workspace: dirs.path });
    expect(result).not.toHaveProperty('extraTokens');
    expect(checks.map((c) => c.name)).toEqual(['clock', 'app', 'workspace', 'network', 'swap', 'core-dumps']);
    expect(result?.machine.swap).toEqual(expect.objectContaining({ areas: expect.any(Array), ok: expect.any(Boolean) }));
  });
});

describe('ceremony register views', () => {
  it('lists newest first, calls a running row that no live run owns interrupted, and shows committed steps and transcript files', () => {
    const { workspace: ws } = Workspace.init(join(dirs.path, 'ws'), 'test');
    try {
      const repo = new CeremonyRepository(ws);
      const out = join(dirs.path, 'out');
      mkdirSync(out);
      writeFileSync(join(out, 'transcript.jsonl'), '{}\n');
      writeFileSync(join(out, 'SHA256SUMS'), 'x\n');
      const base = { kind: 'root', scriptPath: '/s.yaml', outDir: out, rehearsal: false, stepsTotal: 2, startedBy: 'Alice Admin' };
      const a = '11111111-1111-4111-8111-111111111111';
      const b = '22222222-2222-4222-8222-222222222222';
      const c = '33333333-3333-4333-8333-333333333333';
      ws.transact(() => {
        repo.begin({ ...base, id: a, name: 'first', scriptSha256: 'a'.repeat(64), startedAt: '2026-01-01T00:00:00.000Z' });
        repo.commitStep({
          ceremonyId: a,
          index: 0,
          step: 'generate-key',
          action: 'generate-key',
          result: {},
          acknowledgments: [{ step: 'generate-key', role: 'administrator', name: 'Alice Admin', time: '2026-01-01T00:01:00.000Z', via: 'app' }, 'not an ack'],
          outputs: [{ file: 'root.pem', sha256: 'f'.repeat(64), bytes: 10 }],
          completedAt: '2026-01-01T00:02:00.000Z',
        });
        repo.complete(a, 'e'.repeat(64), '2026-01-01T00:03:00.000Z');
        repo.begin({ ...base, id: b, name: 'second', scriptSha256: 'b'.repeat(64), startedAt: '2026-01-02T00:00:00.000Z' });
        repo.abort(b, 'CEREMONY_ABORTED', 'aborted: witness rejected the clock', '2026-01-02T00:01:00.000Z');
        repo.begin({ ...base, id: c, name: 'third', scriptSha256: 'c'.repeat(64), startedAt: '2026-01-03T00:00:00.000Z' });
      });
      const list = ceremonyList(ws, null).ceremonies;
      expect(list.map((x) => `${x.name}:${x.status}:${x.stepsDone}/${x.stepsTotal}`)).toEqual([
        'third:interrupted:0/2',
        'second:aborted:0/2',
        'first:completed:1/2',
      ]);
      expect(list[1]!.error).toEqual({ code: 'CEREMONY_ABORTED', message: 'aborted: witness rejected the clock' });
      expect(ceremonyList(ws, c).ceremonies[0]!.status).toBe('running');

      const d = ceremonyDetail(ws, a, null);
      expect(d).toMatchObject({ name: 'first', status: 'completed', transcriptSha256: 'e'.repeat(64), startedBy: 'Alice Admin' });
      expect(d.steps).toEqual([
        {
          index: 0,
          step: 'generate-key',
          action: 'generate-key',
          completedAt: '2026-01-01T00:02:00.000Z',
          acknowledgments: [{ role: 'administrator', name: 'Alice Admin', time: '2026-01-01T00:01:00.000Z', via: 'app' }],
          outputs: [{ file: 'root.pem', sha256: 'f'.repeat(64), bytes: 10 }],
        },
      ]);
      expect(d.files).toEqual([
        { name: 'transcript.jsonl', path: join(out, 'transcript.jsonl'), bytes: 3 },
        { name: 'SHA256SUMS', path: join(out, 'SHA256SUMS'), bytes: 2 },
      ]);
      expect(() => ceremonyDetail(ws, '44444444-4444-4444-8444-444444444444', null)).toThrow(/no ceremony/);
    } finally {
      ws.close();
    }
  });
});
