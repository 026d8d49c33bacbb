import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBinding } from '../../main/ceremony/ceremony-binding.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import type { KeyRestoreScript } from '../../main/ceremony/ceremony-script-schema.js';

const dir = join(import.meta.dirname, '../../resources/ceremonies');
const text = readFileSync(join(dir, 'key-restore.yaml'), 'utf8');
const parse = (t: string) => parseCeremonyScript(Buffer.from(t), 'kr.yaml');
const lineOf = (t: string, line: string) => t.split('\n').indexOf(line) + 1;

describe('key-restore scripts', () => {
  it('parses the shipped example and its binding', () => {
    const script = parse(text).script as KeyRestoreScript;
    expect(script.kind).toBe('key-restore');
    expect(script.restore).toEqual({ key: 'acme-root-shares-2026-key', label: 'acme-root-shares-2026-token' });
    expect(script.steps.map((s) => s.action ?? null)).toEqual([null, 'restore-to-token', null]);
    const binding = loadBinding(join(dir, 'key-restore.binding.yaml')).binding;
    expect(binding.pkcs11?.tokenSerial).toBe('0123456789abcdef');
    expect(binding.custodians?.map((c) => c.name)).toEqual(['Bob Custodian', 'Erin Custodian']);
  });

  it('refuses unknown keys and missing values, naming their lines', () => {
    const extra = text.replace('  label: acme-root-shares-2026-token\n', '  label: acme-root-shares-2026-token\n  extractable: true\n');
    expect(() => parse(extra)).toThrow(`line ${lineOf(extra, '  extractable: true')}, column 3: restore: unknown key: expected one of key, label`);
    const missing = text.replace('  key: acme-root-shares-2026-key\n', '');
    expect(() => parse(missing)).toThrow(/line \d+: restore\.key: is required/);
  });

  it('needs exactly one restore-to-token step, acknowledged by custodians and witnesses', () => {
    const none = text.replace('    action: restore-to-token\n', '');
    expect(() => parse(none)).toThrow(/a key-restore ceremony needs steps with the actions restore-to-token \(each once\); found none/);
    const weak = text.replace(
      'acknowledge: [administrator, custodians, witnesses]\n    action: restore-to-token',
      'acknowledge: [administrator]\n    action: restore-to-token',
    );
    expect(() => parse(weak)).toThrow(/steps\.1\.acknowledge: the restore onto the token is acknowledged by the custodians and the witnesses/);
  });

  it('refuses a restored key labelled like the shares key it comes from', () => {
    const same = text.replace('label: acme-root-shares-2026-token', 'label: acme-root-shares-2026-key');
    expect(() => parse(same)).toThrow(/restore\.label: the restored key needs its own label/);
  });

  it('refuses restore-to-token in another kind of ceremony', () => {
    const backup = readFileSync(join(dir, 'key-backup.yaml'), 'utf8').replace('    action: old-shares-destroyed\n', '    action: restore-to-token\n');
    expect(() => parse(backup)).toThrow(/needs steps with the actions re-split, then old-shares-destroyed/);
  });
});
