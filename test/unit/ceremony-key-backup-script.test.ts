import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';

const text = readFileSync(join(import.meta.dirname, '../../resources/ceremonies/key-backup.yaml'), 'utf8');
const parse = (t: string) => parseCeremonyScript(Buffer.from(t), 'kb.yaml');

describe('key-backup scripts', () => {
  it('parses the shipped example', () => {
    expect(parse(text).script.kind).toBe('key-backup');
  });
  it('needs the old shares destroyed in front of custodians and witnesses', () => {
    const weak = text.replace(
      'acknowledge: [administrator, custodians, witnesses]\n    action: old-shares-destroyed',
      'acknowledge: [administrator]\n    action: old-shares-destroyed',
    );
    expect(() => parse(weak)).toThrow(/steps\.2\.acknowledge: the destruction of the old shares is acknowledged by the custodians and the witnesses/);
    const missing = text.replace(/ {2}- id: old-shares-destroyed[\s\S]*$/, '');
    expect(() => parse(missing)).toThrow(/needs steps with the actions re-split, then old-shares-destroyed/);
  });
  it('refuses new custodians who are not participants, and a threshold above them', () => {
    const t = text
      .replace('custodians: [Carol Custodian, Erin Custodian, Frank Custodian]', 'custodians: [Carol Custodian, Zed Nobody]')
      .replace('threshold: 2\n  custodians: [Carol', 'threshold: 3\n  custodians: [Carol');
    expect(() => parse(t)).toThrow(
      /backup\.threshold: threshold 3 is more than the 2 custodians[\s\S]*"Zed Nobody" is not one of the participants' custodians|"Zed Nobody"[\s\S]*threshold 3/,
    );
  });
});
