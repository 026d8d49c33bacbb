import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import { intermediateOptions } from '../../main/ceremony/sign-intermediate.js';
import type { IntermediateScript } from '../../main/ceremony/ceremony-script-schema.js';

const dir = join(import.meta.dirname, '../../resources/ceremonies');
const example = (name: string) => readFileSync(join(dir, name), 'utf8');
const parse = (text: string) => parseCeremonyScript(Buffer.from(text), 'test.yaml');

describe('intermediate ceremony scripts', () => {
  it('parses every shipped example', () => {
    for (const f of ['root-pkcs11.yaml', 'root-shares.yaml', 'intermediate-csr.yaml', 'crl.yaml']) expect(parse(example(f)).script.name).toBeTruthy();
  });

  it('maps the constraints: EKU names to OIDs, dotted OIDs kept, DNS subtrees', () => {
    const script = parse(example('intermediate-csr.yaml').replace('extendedKeyUsage: [clientAuth]', 'extendedKeyUsage: [clientAuth, 1.3.6.1.4.1.99999.1]'))
      .script as IntermediateScript;
    expect(intermediateOptions(script)).toEqual({
      pathLen: 0,
      nameConstraints: { permitted: { dns: ['devices.acme.example'] } },
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.99999.1'],
    });
  });

  it('needs a witnessed step before signing a CSR, and generate-key for a token key', () => {
    const noWitness = example('intermediate-csr.yaml').replace(
      'acknowledge: [administrator, witnesses]\n  - id: sign-intermediate',
      'acknowledge: [administrator]\n  - id: sign-intermediate',
    );
    expect(() => parse(noWitness)).toThrow(/steps\.1: an intermediate from a CSR needs a step acknowledged by the witnesses/);
    const tokenKey = example('intermediate-csr.yaml').replace('key:\n    source: csr', 'key:\n    source: pkcs11\n    label: k\n    algorithm: ecdsa-p256');
    expect(() => parse(tokenKey)).toThrow(/needs steps with the actions generate-key, then sign-intermediate/);
  });

  it('refuses an unknown EKU purpose and a malformed DNS constraint, naming the line', () => {
    const text = example('intermediate-csr.yaml').replace('[clientAuth]', '[clientauth]').replace('[devices.acme.example]', '["bad name"]');
    expect(() => parse(text)).toThrow(
      /line \d+: intermediate\.extendedKeyUsage\.0.*\n?.*line \d+: intermediate\.nameConstraints\.permittedDns\.0|line \d+: intermediate\.nameConstraints\.permittedDns\.0[\s\S]*line \d+: intermediate\.extendedKeyUsage\.0/,
    );
  });
});
