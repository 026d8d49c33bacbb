import { describe, expect, it } from 'vitest';
import { parsePlanCsv, parseSerialRange } from '../../main/station/production-plan.js';

const policy = { serialPattern: 'HM-SIM1-[0-9]{4}' };

describe('production plan', () => {
  it('reads a CSV with header, comments, quotes and extra columns', () => {
    const plan = parsePlanCsv('\uFEFFserial,lot\r\n# first tray\nHM-SIM1-0001,L1\n\n"HM-SIM1-0002",L1\nHM-SIM1-0003\n', policy);
    expect(plan).toEqual({ kind: 'csv', source: 'csv:3', serials: ['HM-SIM1-0001', 'HM-SIM1-0002', 'HM-SIM1-0003'] });
  });

  it('names the line of a bad or repeated serial', () => {
    expect(() => parsePlanCsv('HM-SIM1-0001\nHM-SIM1-01\nHM-SIM1-0001\n', policy)).toThrow(
      /line 2, column 1: expected a serial matching the policy's serial pattern HM-SIM1-\[0-9\]\{4\}; line 3, column 1: expected each serial once; this serial is already on line 1$/,
    );
    expect(() => parsePlanCsv('serial\n', policy)).toThrow(/lists no serials/);
    expect(() => parsePlanCsv('"HM-SIM1-0001\n', policy)).toThrow(/line 1, column 1: unbalanced quotes/);
  });

  it('anchors the serial pattern: a serial with extra text is not in the format', () => {
    expect(() => parsePlanCsv('HM-SIM1-00010\n', policy)).toThrow(/expected a serial matching/);
    expect(() => parsePlanCsv('xHM-SIM1-0001\n', policy)).toThrow(/expected a serial matching/);
  });

  it('expands a range, keeping the width', () => {
    expect(parseSerialRange('HM-SIM1-0008..HM-SIM1-0011', policy)).toEqual({
      kind: 'range',
      source: 'HM-SIM1-0008..HM-SIM1-0011',
      serials: ['HM-SIM1-0008', 'HM-SIM1-0009', 'HM-SIM1-0010', 'HM-SIM1-0011'],
    });
  });

  it('refuses ranges that are backwards, of different shapes, or leave the format', () => {
    expect(() => parseSerialRange('HM-SIM1-0009..HM-SIM1-0001', policy)).toThrow(/ends before it starts/);
    expect(() => parseSerialRange('HM-SIM1-0001..HM-SIM2-0009', policy)).toThrow(/differ only in a trailing number/);
    expect(() => parseSerialRange('HM-SIM1-01..HM-SIM1-0009', policy)).toThrow(/same width/);
    expect(() => parseSerialRange('HM-SIM1-9999..HM-SIM1-9999', policy)).not.toThrow();
    expect(() => parseSerialRange('HM-SIM1-999..HM-SIM1-999', policy)).toThrow(/does not match/);
  });
});
