import { describe, expect, it } from 'vitest';
import { scriptHashQrText, scriptHashTerminalQr } from '../../main/ceremony/script-hash-qr.js';

describe('script hash QR', () => {
  const hash = 'AB'.repeat(32);
  it('encodes the lower-case hash under a prefix saying what it is', () => {
    expect(scriptHashQrText(hash)).toBe(`hallmark-ceremony-script-sha256:${'ab'.repeat(32)}`);
  });
  it('renders a terminal QR code in half blocks, the same for the same hash', async () => {
    const qr = await scriptHashTerminalQr(hash);
    expect(qr).toMatch(/[▄▀█]/);
    expect(qr.split('\n').length).toBeGreaterThan(10);
    expect(await scriptHashTerminalQr(hash.toLowerCase())).toBe(qr);
  });
});
