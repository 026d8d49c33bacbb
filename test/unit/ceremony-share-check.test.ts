import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../main/ceremony/ceremony-errors.js';
import { shareCheckOf } from '../../main/ceremony/ceremony-script-schema.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import { assertTypeBackPossible } from '../../main/ceremony/share-type-back.js';
import { REPO_ROOT } from '../support/run-cli.js';

const example = (name: string) => readFileSync(join(REPO_ROOT, 'resources/ceremonies', name), 'utf8');
const parse = (text: string) => parseCeremonyScript(Buffer.from(text), 'test.yaml');
const withCheck = (value: string) =>
  example('root-shares.yaml').replace(
    '  custodians: [Bob Custodian, Carol Custodian, Erin Custodian]\ncertificate:',
    `  custodians: [Bob Custodian, Carol Custodian, Erin Custodian]\n  shareCheck: ${value}\ncertificate:`,
  );

describe('shareCheck in ceremony scripts', () => {
  it('defaults to read-back, and takes type-back on a shares root and on a key-backup', () => {
    expect(shareCheckOf(parse(example('root-shares.yaml')).script)).toBe('read-back');
    expect(shareCheckOf(parse(withCheck('type-back')).script)).toBe('type-back');
    expect(shareCheckOf(parse(withCheck('read-back')).script)).toBe('read-back');
    const backup = example('key-backup.yaml');
    const threshold = /\n {2}threshold: \d+\n/.exec(backup)![0];
    expect(shareCheckOf(parse(backup).script)).toBe('read-back');
    expect(shareCheckOf(parse(backup.replace(threshold, `${threshold}  shareCheck: type-back\n`)).script)).toBe('type-back');
    expect(shareCheckOf(parse(example('root-pkcs11.yaml')).script)).toBeNull();
  });

  it('refuses an unknown check, and shareCheck on a key that is not split', () => {
    const refused = (text: string) => {
      try {
        parse(text);
      } catch (e) {
        expect(e).toBeInstanceOf(CeremonyError);
        return (e as CeremonyError).message;
      }
      throw new Error('expected the script to be refused');
    };
    const line = withCheck('type-it').split('\n').indexOf('  shareCheck: type-it') + 1;
    expect(refused(withCheck('type-it'))).toMatch(new RegExp(`line ${line}: key\\.shareCheck: `));
    const pkcs11 = example('root-pkcs11.yaml').replace('  algorithm: ecdsa-p384\n', '  algorithm: ecdsa-p384\n  shareCheck: type-back\n');
    expect(pkcs11).toContain('shareCheck: type-back');
    expect(refused(pkcs11)).toMatch(/key: unknown key: expected one of algorithm, label, store$/);
  });

  it('refuses to run a type-back script when nobody can be asked to type', () => {
    const script = parse(withCheck('type-back'));
    expect(() => assertTypeBackPossible({ script })).toThrow(expect.objectContaining({ code: 'CEREMONY_TYPE_BACK_UNAVAILABLE' }));
    expect(() => assertTypeBackPossible({ script, typeBack: async () => '' })).not.toThrow();
    expect(() => assertTypeBackPossible({ script: parse(example('root-shares.yaml')) })).not.toThrow();
  });
});
