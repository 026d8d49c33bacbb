import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isHallmarkError } from '../../main/errors/hallmark-error.js';
import { parseProductPolicy, type PolicyProblem } from '../../main/station/parse-product-policy.js';
import { deviceHardwareModuleName, deviceSubject, subjectText } from '../../main/station/subject-template.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';

const EXAMPLE = readFileSync(new URL('../../resources/products/sim1-widget.policy.yaml', import.meta.url), 'utf8');

const MINIMAL = `model: SIM1
protocol: hallmark
keyAlgorithms: [ecdsa-p256]
serialPattern: 'HM-SIM1-[0-9]{4}'
subject:
  O: Acme
  CN: '{model}-{serial}'
hardwareModuleName:
  hwType: 2.23.133.1.2
validity: no-expiration
issuingCa: mfg
`;

function problems(text: string): PolicyProblem[] {
  try {
    parseProductPolicy(text);
  } catch (e) {
    if (isHallmarkError(e) && e.code === 'POLICY_INVALID') return e.details!.problems as PolicyProblem[];
    throw e;
  }
  throw new Error('the policy was accepted');
}

describe('product policy', () => {
  it('accepts the shipped example and keeps its exact text and digest', () => {
    const p = parseProductPolicy(EXAMPLE);
    expect(p.policy.model).toBe('SIM1');
    expect(p.policy.targetCloud).toEqual({ requireSubjectSerialNumber: true, uniqueCommonName: true });
    expect(p.text).toBe(EXAMPLE);
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fills defaults for a minimal policy', () => {
    const { policy } = parseProductPolicy(MINIMAL);
    expect(policy.subject.serialNumber).toBe(true);
    expect(policy.extensions).toEqual([]);
    expect(policy.targetCloud).toEqual({ requireSubjectSerialNumber: false, uniqueCommonName: false });
  });

  it('refuses an unknown key and names its line', () => {
    const text = MINIMAL.replace('  O: Acme\n', '  O: Acme\n  Organisation: typo\n');
    expect(problems(text)).toEqual([{ path: 'subject', line: 7, column: 3, message: 'unknown key: expected one of C, CN, L, O, OU, ST, serialNumber' }]);
    expect(problems(`${MINIMAL}masa_url: x\n`)).toMatchObject([
      { path: '', line: 12, column: 1, message: expect.stringMatching(/^unknown key: expected one of /) },
    ]);
    expect(JSON.stringify(problems(`${MINIMAL}masa_url: x\n`))).not.toContain('masa_url');
  });

  it('refuses a bad regex, a bad OID, bad DER and a profile extension, each on its line', () => {
    const text = MINIMAL.replace("'HM-SIM1-[0-9]{4}'", "'HM-(SIM1'")
      .replace('hwType: 2.23.133.1.2', 'hwType: 2.23.133.01.2')
      .concat('extensions:\n  - oid: 1.3.6.1.4.1.5.1\n    value: 0c05ab\n  - oid: 2.5.29.17\n    value: "0500"\n');
    const found = problems(text);
    expect(found).toContainEqual({ path: 'serialPattern', line: 4, message: 'is not a valid regular expression' });
    expect(found).toContainEqual(expect.objectContaining({ path: 'hardwareModuleName.hwType', line: 9 }));
    expect(found).toContainEqual({ path: 'extensions.0.value', line: 14, message: 'is not one well-formed DER element' });
    expect(found).toContainEqual({ path: 'extensions.1.oid', line: 15, message: 'is an extension the IDevID profile sets itself' });
  });

  it('reports YAML errors and duplicate keys with their line', () => {
    expect(problems(`${MINIMAL}model: OTHER\n`)[0]).toMatchObject({ line: 12 });
    expect(problems('model: [unclosed\n')[0]!.line).toBeGreaterThan(0);
  });

  it('says which required keys are missing and which templates are wrong', () => {
    const found = problems(MINIMAL.replace('issuingCa: mfg\n', '').replace("CN: '{model}-{serial}'", "CN: '{model}-{lot}'"));
    expect(found).toContainEqual(expect.objectContaining({ path: 'issuingCa', message: 'is required' }));
    expect(found).toContainEqual({ path: 'subject.CN', line: 7, message: 'may only use the placeholders {model} and {serial}' });
  });

  it('builds the subject from the plan serial, never from the device, and the SAN from its bytes', () => {
    const { policy } = parseProductPolicy(EXAMPLE);
    const subject = deviceSubject(policy, 'HM-SIM1-0042');
    expect(subject).toEqual([
      { type: 'O', value: 'Acme Devices GmbH' },
      { type: 'OU', value: 'Widgets' },
      { type: 'CN', value: 'SIM1-HM-SIM1-0042' },
      { type: 'serialNumber', value: 'HM-SIM1-0042' },
    ]);
    expect(parseSubject(subjectText(subject))).toEqual(subject);
    expect(deviceHardwareModuleName(policy, 'HM-SIM1-0042')).toEqual({ hwType: '1.3.6.1.4.1.55555.1.1', hwSerialNum: Buffer.from('HM-SIM1-0042') });
  });

  it('escapes separators so the device protocol reads the same subject back', () => {
    const { policy } = parseProductPolicy(MINIMAL.replace('O: Acme', "O: 'Acme, Inc. / Devices'"));
    const subject = deviceSubject(policy, 'HM-SIM1-0001');
    expect(parseSubject(subjectText(subject))).toEqual(subject);
  });
});
