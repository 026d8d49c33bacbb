import { describe, expect, it } from 'vitest';
import type { QaCheckView, QaReportView } from '../../preload/api.js';
import { filterKey, parseSearchText, searchFields } from '../../renderer/src/inventory/search-text.js';
import { defaultReportPath } from '../../main/api/qa-handlers.js';
import { countStates, verdictOf } from '../../renderer/src/qa/qa-verdict.js';

const check = (name: string, status: QaCheckView['status']): QaCheckView => ({ name, status, summary: '', details: [] });
const report = (ok: boolean, checks: QaCheckView[]): QaReportView => ({
  ok,
  folder: '/m',
  manifestSha256: null,
  workOrder: 'WO-1',
  sequence: 1,
  devices: 0,
  signer: null,
  signingTime: null,
  verifiedAt: '2030-01-01T00:00:00.000Z',
  checks,
  deviceList: [],
  deviceListTruncated: false,
});

describe('QA verdict', () => {
  it('follows the verifier and names the failed checks', () => {
    const v = verdictOf(report(false, [check('format', 'pass'), check('cms.signature', 'fail'), check('plan', 'skip')]));
    expect(v.state).toBe('fail');
    expect(v.failed).toEqual(['cms.signature']);
    expect(v.text).toMatch(/^FAIL — cms\.signature \(1 passed, 1 failed, 1 skipped\)$/);
    expect(verdictOf(report(true, [check('format', 'pass'), check('plan', 'skip')])).state).toBe('pass');
  });

  it('never says PASS when the verifier did not (nothing passed, everything skipped)', () => {
    const v = verdictOf(report(false, [check('format', 'skip')]));
    expect(v.state).toBe('fail');
    expect(v.text).toMatch(/no check passed/);
  });

  it('counts states', () => {
    expect(countStates([check('a', 'pass'), check('b', 'pass'), check('c', 'skip')])).toEqual({ pass: 2, fail: 0, skip: 1 });
  });

  it('puts the default report beside the folder, never inside it', () => {
    const now = new Date('2030-01-02T03:04:05.678Z');
    expect(defaultReportPath('/media/usb/WO-1/', now)).toBe('/media/usb/WO-1-qa-report-2030-01-02T03-04-05-678Z.html');
    expect(defaultReportPath('WO-1', now)).toBe('./WO-1-qa-report-2030-01-02T03-04-05-678Z.html');
    expect(defaultReportPath('/WO-1', now)).toBe('/WO-1-qa-report-2030-01-02T03-04-05-678Z.html');
    expect(defaultReportPath('E:\\usb\\WO-1', now)).toBe('E:\\usb\\WO-1-qa-report-2030-01-02T03-04-05-678Z.html');
  });
});

describe('inventory search text', () => {
  const sha = 'ab'.repeat(32);
  it('reads a fingerprint in any usual spelling, anything else as a serial', () => {
    expect(parseSearchText('   ')).toEqual({ kind: 'none' });
    expect(parseSearchText(` ${sha.toUpperCase()} `)).toEqual({ kind: 'fingerprint', fingerprint: sha });
    expect(parseSearchText(sha.match(/../g)!.join(':'))).toEqual({ kind: 'fingerprint', fingerprint: sha });
    expect(parseSearchText(' HM-SIM1-0001 ')).toEqual({ kind: 'serial', serial: 'HM-SIM1-0001' });
    expect(parseSearchText('ab'.repeat(31))).toEqual({ kind: 'serial', serial: 'ab'.repeat(31) });
  });

  it('sends only the filters that are set, within the contract bounds', () => {
    expect(searchFields({ text: '', status: '', batch: '' })).toEqual({});
    expect(searchFields({ text: 'S1', status: 'revoked', batch: 'WO-1' })).toEqual({ serial: 'S1', status: 'revoked', batch: 'WO-1' });
    expect(searchFields({ text: 'x'.repeat(300), status: '', batch: '' }).serial).toHaveLength(200);
  });

  it('keys filters by meaning, so spacing or case of the same fingerprint is the same list', () => {
    expect(filterKey({ text: sha, status: '', batch: '' })).toBe(filterKey({ text: ` ${sha.toUpperCase()}`, status: '', batch: '' }));
    expect(filterKey({ text: 'S1', status: '', batch: '' })).not.toBe(filterKey({ text: 'S1', status: 'failed', batch: '' }));
  });
});
