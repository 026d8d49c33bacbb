import { describe, expect, it } from 'vitest';
import { manualPairingCode, qrCodeText, verhoeffValid } from '../../main/matter/onboarding-payload.js';
import { assertValidPasscode, generateDiscriminator, generatePasscode, INVALID_PASSCODES } from '../../main/matter/setup-passcode.js';
import { spake2pVerifier } from '../../main/matter/spake2p-verifier.js';

describe('Matter onboarding payload', () => {
  it("reproduces the SDK's published example: VID FFF1, PID 8000, discriminator 3840, passcode 20202021", () => {
    expect(qrCodeText({ vendorId: 'FFF1', productId: '8000', discriminator: 3840, passcode: 20202021 })).toBe('MT:Y.K9042C00KA0648G00');
    expect(manualPairingCode({ discriminator: 3840, passcode: 20202021 })).toBe('34970112332');
    expect(verhoeffValid('34970112332')).toBe(true);
    expect(verhoeffValid('34970112333')).toBe(false);
  });

  it("gives connectedhomeip's test SPAKE2+ verifier (spake2p gen-verifier -p 20202021 -s U1BBS0UyUCBLZXkgU2FsdA== -i 1000)", () => {
    const v = spake2pVerifier(20202021, Buffer.from('U1BBS0UyUCBLZXkgU2FsdA==', 'base64'), 1000);
    expect(v.verifier.length).toBe(97);
    expect(v.verifier.toString('base64')).toBe(
      'uWFwqugDNGiEck/po7KHwwMwwqZgN10XuyBajPGuyzUEV/iree4lOrao5GuwnlQ65CJzbeUB49s31EH+NEkg0JVI5MGCQGMMT/SRPFNRODm3wH/MBiehuFc6FJ/NH6Rmzw==',
    );
  });

  it('refuses forbidden passcodes, out-of-range iterations and salts, naming the rule', () => {
    for (const p of [0, 11111111, 99999999, 12345678, 87654321, 100000000]) {
      expect(() => assertValidPasscode(p)).toThrow(/\[matter\.setup-passcode\]/);
      expect(() => qrCodeText({ vendorId: 'FFF1', productId: '8000', discriminator: 1, passcode: p })).toThrow(/matter\.setup-passcode/);
    }
    expect(() => spake2pVerifier(20202021, Buffer.alloc(16), 999)).toThrow(/\[matter\.spake2p-iterations\]/);
    expect(() => spake2pVerifier(20202021, Buffer.alloc(15), 1000)).toThrow(/\[matter\.spake2p-salt\]/);
    expect(() => qrCodeText({ vendorId: 'fff1', productId: '8000', discriminator: 1, passcode: 20202021 })).toThrow(/matter\.vendor-id/);
    expect(() => qrCodeText({ vendorId: 'FFF1', productId: '8000', discriminator: 4096, passcode: 20202021 })).toThrow(/matter\.discriminator/);
  });

  it('generates valid passcodes and 12-bit discriminators from the CSPRNG', () => {
    for (let i = 0; i < 2000; i++) {
      const p = generatePasscode();
      expect(p >= 1 && p <= 99999998 && !INVALID_PASSCODES.has(p)).toBe(true);
      const d = generateDiscriminator();
      expect(d >= 0 && d < 4096).toBe(true);
    }
  });
});
