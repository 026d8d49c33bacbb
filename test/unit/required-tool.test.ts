import { afterEach, describe, expect, it } from 'vitest';
import { requiredTool } from '../support/required-tool.js';

const ci = process.env.CI;
afterEach(() => {
  if (ci === undefined) delete process.env.CI;
  else process.env.CI = ci;
});

describe('a tool a test needs', () => {
  it('lets the test skip when missing outside CI', () => {
    delete process.env.CI;
    expect(requiredTool(false, 'SoftHSM2', 'softhsm2')).toBe(false);
    expect(requiredTool(true, 'SoftHSM2', 'softhsm2')).toBe(true);
  });

  it('fails the file under CI=true, naming the Debian package', () => {
    process.env.CI = 'true';
    expect(() => requiredTool(false, 'SoftHSM2', 'softhsm2')).toThrow(/SoftHSM2 not found and CI=true: install the Debian package softhsm2/);
  });
});
