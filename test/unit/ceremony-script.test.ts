import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../main/ceremony/ceremony-errors.js';
import { rootValidityBound } from '../../main/ceremony/ceremony-guards.js';
import { HASH_WORDS, hashWords } from '../../main/ceremony/hash-words.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import type { RootScript } from '../../main/ceremony/ceremony-script-schema.js';
import { REPO_ROOT } from '../support/run-cli.js';

const example = (name: string) => readFileSync(join(REPO_ROOT, 'resources/ceremonies', name), 'utf8');
const parse = (text: string) => parseCeremonyScript(Buffer.from(text), 'test.yaml');
const problemsOf = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CeremonyError);
    return { message: (e as CeremonyError).message, code: (e as CeremonyError).code };
  }
  throw new Error('expected the script to be refused');
};

describe('ceremony scripts', () => {
  it('accepts the shipped examples and hashes their exact bytes', () => {
    const root = parse(example('root-pkcs11.yaml'));
    expect(root.script.kind).toBe('root');
    expect(parse(example('crl.yaml')).script.kind).toBe('crl');
    expect(parse(`${example('root-pkcs11.yaml')}\n`).sha256).not.toBe(root.sha256);
  });

  it('names the line of an unknown key and of a missing value', () => {
    const text = example('root-pkcs11.yaml').replace('  label: acme-root-2026-key\n', '  label: acme-root-2026-key\n  extractable: true\n');
    const line = text.split('\n').indexOf('  extractable: true') + 1;
    expect(problemsOf(text).message).toContain(`line ${line}, column 3: key: unknown key: expected one of `);
    expect(problemsOf(text).message).not.toContain('extractable');
    const missing = example('root-pkcs11.yaml').replace('  validityDays: 7300\n', '');
    expect(problemsOf(missing).message).toMatch(/line \d+: certificate\.validityDays: is required/);
  });

  it('refuses duplicate keys, a kind without its actions, and a quorum that cannot be met', () => {
    expect(problemsOf(example('root-pkcs11.yaml').replace('version: 1\n', 'version: 1\nversion: 1\n')).code).toBe('CEREMONY_SCRIPT_INVALID');
    expect(problemsOf(example('crl.yaml').replace('    action: sign-crl\n', '')).message).toContain('a crl ceremony needs steps with the actions sign-crl');
    const shares = example('root-pkcs11.yaml').replace(
      /key:\n(?: {2}.*\n)+/,
      'key:\n  store: shares\n  label: k\n  algorithm: ecdsa-p384\n  threshold: 3\n  custodians: [Bob Custodian, Carol Custodian]\n',
    );
    expect(problemsOf(shares).message).toContain('threshold 3 is more than the 2 custodians');
  });

  it('holds a root to 25 years unless the script raises the bound with a reason', () => {
    const script = parse(example('root-pkcs11.yaml')).script as RootScript;
    const long = { ...script, certificate: { ...script.certificate, validityDays: 30 * 365 } };
    expect(() => rootValidityBound(long)).toThrow(/exceeds the 25-year root bound/);
    expect(rootValidityBound({ ...long, guards: { maxValidityDays: 31 * 365, reason: 'long-lived offline root for devices in the field 30 years' } })).toBe(
      31 * 365,
    );
    expect(problemsOf(example('root-pkcs11.yaml').replace('steps:', 'guards:\n  maxValidityDays: 11000\n  reason: why\nsteps:')).message).toContain(
      'guards.reason',
    );
  });
});

describe('hash words', () => {
  it('has 256 distinct words and maps one per byte', () => {
    expect(HASH_WORDS).toHaveLength(256);
    expect(new Set(HASH_WORDS).size).toBe(256);
    expect(hashWords('00ff10')).toEqual(['acid', 'zebra', HASH_WORDS[16]]);
    expect(hashWords('ab'.repeat(32))).toHaveLength(32);
  });
});
