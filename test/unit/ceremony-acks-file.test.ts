import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAcksFile, type LoadedAcksFile } from '../../main/ceremony/acks-file.js';
import { CeremonyError } from '../../main/ceremony/ceremony-errors.js';
import type { ShareTypeBackRequest } from '../../main/ceremony/ceremony-request.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import { tempDir } from '../support/temp-dir.js';
import { REPO_ROOT } from '../support/run-cli.js';

const example = (name: string) => readFileSync(join(REPO_ROOT, 'resources/ceremonies', name), 'utf8');
const script = parseCeremonyScript(Buffer.from(example('root-pkcs11.yaml')), 'root-pkcs11.yaml').script;
const step = (id: string) => script.steps.find((s) => s.id === id)!;
const say = () => {};

const refusal = async (f: () => unknown): Promise<{ code: string; message: string }> => {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(CeremonyError);
    return { code: (e as CeremonyError).code, message: (e as CeremonyError).message };
  }
  throw new Error('expected a refusal');
};

const base = `version: 1
acknowledge:
  administrator: Alice Admin
  custodians: [Bob Custodian, Carol Custodian]
  witnesses: [Dave Witness]
`;

describe('--acks YAML file', () => {
  it('reads the shipped example: acknowledgments via ack-file, its exception after generate-key only', async () => {
    const acks = parseAcksFile(example('rehearsal.acks.yaml'), 'rehearsal.acks.yaml');
    expect(acks.source.via).toBe('ack-file');
    expect(acks.typeBack).toBeUndefined();
    const got = await acks.source.collect(step('generate-key'), script, say);
    expect(got.map((a) => [a.role, a.name, a.via])).toEqual([
      ['administrator', 'Alice Admin', 'ack-file'],
      ['custodians', 'Bob Custodian', 'ack-file'],
      ['custodians', 'Carol Custodian', 'ack-file'],
      ['witnesses', 'Dave Witness', 'ack-file'],
    ]);
    expect(await acks.exceptions('generate-key')).toEqual([
      { role: 'witnesses', name: 'Dave Witness', note: 'seal bag 4411 differs from the checklist (4417)' },
    ]);
    expect(await acks.exceptions('sign-root')).toEqual([]);
  });

  it('names the line of an unknown key, including a misspelt role', async () => {
    const text = `${base}  witness: [Dave Witness]\nextra: 1\n`;
    const r = await refusal(() => parseAcksFile(text, 'a.yaml'));
    expect(r.code).toBe('CEREMONY_ACK_INVALID');
    expect(r.message).toContain('a.yaml: line 6, column 3: acknowledge: unknown key: expected one of administrator, custodians, witnesses');
    expect(r.message).toContain('line 7, column 1: unknown key: expected one of acknowledge, exceptions, shareTexts, version');
    // the keys found are not echoed: a file's content never reaches a message
    expect(r.message).not.toMatch(/"witness"|"extra"/);
  });

  it('refuses a name that is not a participant in that role when the run starts', async () => {
    const acks = parseAcksFile(base.replace('custodians: [Bob Custodian, Carol Custodian]', 'custodians: [Bob Custodian, Dave Witness]'), 'a.yaml');
    const r = await refusal(() => acks.source.collect(step('preflight-confirmed'), script, say));
    expect(r).toEqual({
      code: 'CEREMONY_ACK_INVALID',
      message: `a.yaml: line 4: that name is not one of the script's custodians (Bob Custodian, Carol Custodian)`,
    });
  });

  it('stops at the step whose participant is not listed', async () => {
    const acks = parseAcksFile(base.replace('  custodians: [Bob Custodian, Carol Custodian]\n', '  custodians: [Bob Custodian]\n'), 'a.yaml');
    expect(await acks.source.collect(step('preflight-confirmed'), script, say)).toHaveLength(2);
    const r = await refusal(() => acks.source.collect(step('generate-key'), script, say));
    expect(r).toEqual({ code: 'CEREMONY_ACK_MISSING', message: 'step "generate-key": custodians "Carol Custodian" did not acknowledge (not in a.yaml)' });
  });

  it('refuses an exception for a step the script does not have, naming its line', async () => {
    const text = `${base}exceptions:\n  - step: generate-key\n    witness: Dave Witness\n    note: fine\n  - step: generate-keys\n    witness: Dave Witness\n    note: typo\n`;
    const acks = parseAcksFile(text, 'a.yaml');
    const r = await refusal(() => acks.source.collect(step('preflight-confirmed'), script, say));
    expect(r).toEqual({
      code: 'CEREMONY_ACK_INVALID',
      message: 'a.yaml: line 10: names a step the script does not have (its steps: preflight-confirmed, generate-key, sign-root, outputs-read-aloud)',
    });
  });

  it('refuses an exception by someone who is not a witness', async () => {
    const acks = parseAcksFile(`${base}exceptions:\n  - step: sign-root\n    witness: Bob Custodian\n    note: n\n`, 'a.yaml');
    const r = await refusal(() => acks.source.collect(step('preflight-confirmed'), script, say));
    expect(r).toEqual({ code: 'CEREMONY_ACK_INVALID', message: `a.yaml: line 8: that name is not one of the script's witnesses (Dave Witness)` });
  });

  it("types back each custodian's share text from the file next to the acks file", async () => {
    const tmp = tempDir('hallmark-acks-');
    try {
      const path = join(tmp.path, 'acks.yaml');
      writeFileSync(join(tmp.path, 'bob-share.txt'), 'BOB SHARE TEXT\n');
      const acks: LoadedAcksFile = parseAcksFile(`${base}shareTexts:\n  Bob Custodian: bob-share.txt\n  Carol Custodian: carol-share.txt\n`, path);
      const req = (custodian: string): ShareTypeBackRequest => ({
        id: `t-${custodian}`,
        custodian,
        label: 'k',
        index: 1,
        total: 3,
        step: 'generate-key',
        sheet: 's.txt',
      });
      expect(await acks.typeBack!(req('Bob Custodian'))).toBe('BOB SHARE TEXT\n');
      const unreadable = await refusal(() => acks.typeBack!(req('Carol Custodian')));
      expect(unreadable.code).toBe('CEREMONY_ACK_INVALID');
      expect(unreadable.message).toContain(`line 8: cannot read the share text of custodian "Carol Custodian" (${join(tmp.path, 'carol-share.txt')}): ENOENT`);
      const unlisted = await refusal(() => acks.typeBack!(req('Erin Custodian')));
      expect(unlisted).toEqual({
        code: 'CEREMONY_ACK_MISSING',
        message: `step "generate-key": custodian "Erin Custodian" has no share text to type back (no shareTexts entry in ${path})`,
      });
      // The same file read again after a refusal would loop: a retry stops instead.
      const retried = await refusal(() => acks.typeBack!({ ...req('Bob Custodian'), problem: 'checksum' }));
      expect(retried.code).toBe('CEREMONY_SHARE_MISMATCH');
    } finally {
      tmp.dispose();
    }
  });
});
