import { describe, expect, it } from 'vitest';
import { FATAL_CODES, REFUSAL_CODES, TRANSIENT_CODES } from '../../main/station/device-outcome.js';
import { REMEDY } from '../../main/station/station-errors.js';
import { FAILURE_TEXT, failureText } from '../../renderer/src/station/failure-text.js';

/** Every DeviceErrorCode (main/devices/device-errors.ts): a type, so listed here. */
const DEVICE_CODES = [
  'LINK_TIMEOUT',
  'LINK_CLOSED',
  'LINK_LINE_TOO_LONG',
  'LINK_GARBAGE',
  'LINK_OPEN_FAILED',
  'DEVICE_ERROR_RESPONSE',
  'DEVICE_UNEXPECTED_RESPONSE',
  'DEVICE_PROTOCOL_UNSUPPORTED',
  'DEVICE_BAD_PAYLOAD',
  'DEVICE_CSR_INVALID',
  'DEVICE_NONCE_MISMATCH',
  'DEVICE_ATTESTATION_INVALID',
  'DEVICE_READBACK_MISMATCH',
  'DEVICE_CHAIN_TOO_LARGE',
  'DEVICE_RESET',
  'DEVICE_UNKNOWN',
];
const STATION_DEVICE_CODES = [
  'NONCE_MISMATCH',
  'CSR_INVALID',
  'STATION_STOPPED',
  'ISSUANCE_FAILED',
  'INTERNAL',
  'MATTER_READBACK_MISMATCH',
  'MATTER_LABEL_WRITE_FAILED',
  'PKCS11_ERROR',
  'KEY_CLOSED',
];

describe('failureText (tile reasons in plain words)', () => {
  it.each([...new Set([...REFUSAL_CODES, ...TRANSIENT_CODES, ...FATAL_CODES, ...DEVICE_CODES, ...STATION_DEVICE_CODES])])(
    'has its own words for %s',
    (code) => {
      const text = FAILURE_TEXT[code];
      expect(text, `${code} needs technician words in failure-text.ts`).toBeDefined();
      expect(text!.reason).toMatch(/^[A-Z].*\.$/);
      expect(text!.action).toMatch(/^[A-Z].*\.$/);
      // Plain words: no codes, no jargon a technician cannot act on.
      expect(`${text!.reason} ${text!.action}`).not.toMatch(/[A-Z]{3,}_|CSR|nonce|PKCS|SPKI|DER/);
      // one wording: the core's remedy on the outcome is the tile's action
      expect(REMEDY[code]).toBe(text!.action);
    },
  );

  it('says what happened and what to do for the faults the simulator stages', () => {
    expect(failureText('DEVICE_READBACK_MISMATCH')).toEqual({
      reason: 'The device stored a different certificate than it was sent.',
      action: expect.stringMatching(/repair/),
    });
    expect(failureText('DEVICE_CSR_INVALID').reason).toMatch(/bad signature/);
    expect(failureText('DUPLICATE_KEY').action).toMatch(/Quarantine/);
  });

  it("falls back to the core's message and remedy for a code it does not know", () => {
    expect(failureText('SOMETHING_NEW', { message: 'the widget was sideways', remedy: 'Turn it around.' })).toEqual({
      reason: 'The widget was sideways',
      action: 'Turn it around.',
    });
    expect(failureText(null)).toEqual({ reason: 'The device did not finish.', action: expect.any(String) });
    expect(failureText('X', { message: 'x'.repeat(500) }).reason.length).toBeLessThanOrEqual(160);
  });
});
