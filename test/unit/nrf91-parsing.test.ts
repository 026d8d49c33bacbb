import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../main/devices/device-errors.js';
import { classifyAtLine } from '../../main/devices/nrf91/at-result.js';
import { Base64UrlError, decodeBase64Url } from '../../main/devices/nrf91/base64url.js';
import { parseCmngListLine } from '../../main/devices/nrf91/cmng-readback.js';
import { isValidImei, luhnCheckDigit, makeImei } from '../../main/devices/nrf91/imei.js';
import { parseKeygenLine } from '../../main/devices/nrf91/keygen-response.js';
import { certificatesPemCrlf, cmngWriteCommand } from '../../main/devices/nrf91/pem-text.js';
import { parseCsr } from '../../main/x509/csr/parse-csr.js';
import { NORDIC_KEYGEN_16842753 as V, NORDIC_KEYGEN_42 as V42, keygenLine } from '../support/nrf91-vectors.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DeviceError) return e.code;
    if (e instanceof Base64UrlError) return e.problem;
    throw e;
  }
  return 'no error';
}

describe('base64url', () => {
  it('decodes canonical unpadded base64url', () => {
    expect(decodeBase64Url('-_8', 10)).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64Url('QQ', 10)).toEqual(Buffer.from('A'));
  });
  it.each([
    ['', 'empty'],
    ['QQ==', 'alphabet'],
    ['+/8', 'alphabet'],
    ['QQ QQ', 'alphabet'],
    ['QQ\n', 'alphabet'],
    ['Q', 'length'],
    ['QUJDR', 'length'],
    ['QR', 'trailing-bits'],
    ['QUI', 'no error'],
    ['QUJ', 'trailing-bits'],
  ])('%j → %s', (text, problem) => {
    expect(code(() => decodeBase64Url(text, 100))).toBe(problem);
  });
  it('refuses overlong input before looking at it', () => {
    expect(code(() => decodeBase64Url('A'.repeat(101), 100))).toBe('too-long');
  });
});

describe('IMEI', () => {
  it('accepts a real nRF9160 IMEI and refuses every single-digit change of its check digit', () => {
    expect(isValidImei(V.imei)).toBe(true);
    for (let d = 0; d <= 9; d++) {
      const other = V.imei.slice(0, 14) + String(d);
      if (other !== V.imei) expect(isValidImei(other)).toBe(false);
    }
  });
  it('computes Luhn digits (ISO/IEC 7812 example 7992739871 → 3)', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });
  it.each(['35265610948078', '3526561094807830', '35265610948078a', ' 352656109480783', ''])('refuses %j', (s) => {
    expect(isValidImei(s)).toBe(false);
  });
  it('makes valid IMEIs from a TAC and a serial counter', () => {
    expect(makeImei('35265610', 948078)).toBe(V.imei);
    for (const n of [0, 1, 42, 999_999]) expect(isValidImei(makeImei('35265610', n))).toBe(true);
    expect(() => makeImei('3526561', 1)).toThrow(RangeError);
    expect(() => makeImei('35265610', 1_000_000)).toThrow(RangeError);
  });
});

describe('%KEYGEN line', () => {
  it('parses real modem output: CSR, COSE and attestation', () => {
    const out = parseKeygenLine(keygenLine(V), V.secTag);
    expect(out.attestation.deviceUuidText).toBe(V.uuid);
    expect(out.attestation.secTag).toBe(V.secTag);
    expect(out.attestation.csrSha256.toString('hex')).toBe(V.sha256);
    expect(out.attestation.nonce.toString('hex')).toBe(V.nonce);
    expect(out.cose.kid).toEqual(Buffer.from([0x21]));
    expect(createHash('sha256').update(out.csrDer).digest('hex')).toBe(V.sha256);
    // The modem's CSR uses NULL parameters: only the ecdsa-null-parameters allowance accepts it.
    expect(parseCsr(out.csrDer, { allow: ['ecdsa-null-parameters'] }).subject).toBe(`CN=${V.uuid}`);
    expect(() => parseCsr(out.csrDer)).toThrow(/parameters|NULL/i);
  });
  it('reads a small sec_tag wrapped the same way', () => {
    const out = parseKeygenLine(keygenLine(V42), 42);
    expect(out.attestation.secTag).toBe(42);
    expect(out.attestation.deviceUuidText).toBe(V42.uuid);
  });
  it('refuses an attestation for another sec_tag', () => {
    expect(code(() => parseKeygenLine(keygenLine(V), 42))).toBe('DEVICE_ATTESTATION_INVALID');
  });
  it('refuses a CSR the attestation does not sign (one byte changed)', () => {
    const der = Buffer.from(V.csr, 'base64url');
    der[40]! ^= 1;
    expect(code(() => parseKeygenLine(keygenLine({ csr: der.toString('base64url'), cose: V.cose }), V.secTag))).toBe('DEVICE_ATTESTATION_INVALID');
    // …and a CSR attested by another modem's token
    expect(code(() => parseKeygenLine(keygenLine({ csr: V42.csr, cose: V.cose }), V.secTag))).toBe('DEVICE_ATTESTATION_INVALID');
  });
  it('refuses a CSR without its attestation', () => {
    expect(code(() => parseKeygenLine(`%KEYGEN: "${V.csr}"`, V.secTag))).toBe('DEVICE_ATTESTATION_INVALID');
  });
  it.each([
    ['no quotes', `%KEYGEN: ${V.csr}.${V.cose}`],
    ['two dots', `%KEYGEN: "${V.csr}.${V.cose}.${V.cose}"`],
    ['other prefix', `%KEYGEN:"${V.csr}.${V.cose}"`],
    ['trailing text', `${keygenLine(V)} `],
    ['another command', `%CMNG: 16842753,0,"${'0'.repeat(64)}"`],
  ])('refuses a wrong-shaped line (%s)', (_what, line) => {
    expect(code(() => parseKeygenLine(line, V.secTag))).toBe('DEVICE_UNEXPECTED_RESPONSE');
  });
  it.each([
    ['standard base64 CSR', Buffer.from(V.csr, 'base64url').toString('base64'), V.cose],
    ['padded COSE', V.csr, `${V.cose}==`],
    ['empty CSR', '', V.cose],
    ['non-zero unused bits', `${V.csr}QR`, V.cose],
  ])('refuses bad encoding (%s) as DEVICE_BAD_PAYLOAD', (_what, csr, cose) => {
    expect(code(() => parseKeygenLine(keygenLine({ csr, cose }), V.secTag))).toBe('DEVICE_BAD_PAYLOAD');
  });
  it('refuses a COSE part that is not COSE', () => {
    expect(code(() => parseKeygenLine(keygenLine({ csr: V.csr, cose: 'oA' }), V.secTag))).toBe('DEVICE_ATTESTATION_INVALID');
  });
});

describe('%CMNG list line', () => {
  const hash = 'C5B83285533307747ECB170B96C5B47F809D24CFE2BE553B4ED9B5D12551C08E';
  it('parses the modem shape', () => {
    expect(parseCmngListLine(`%CMNG: 16842753,1,"${hash}"`)).toEqual({ secTag: 16842753, type: 1, sha256: hash });
  });
  it.each([
    ['lowercase hex', `%CMNG: 16842753,1,"${hash.toLowerCase()}"`],
    ['spaces', `%CMNG: 16842753, 1, "${hash}"`],
    ['no quotes', `%CMNG: 16842753,1,${hash}`],
    ['short digest', `%CMNG: 16842753,1,"${hash.slice(2)}"`],
    ['no digest', '%CMNG: 16842753,1'],
    ['leading zero tag', `%CMNG: 016842753,1,"${hash}"`],
    ['read form with content', `%CMNG: 16842753,1,"${hash}","-----BEGIN"`],
  ])('refuses %s', (_what, line) => {
    expect(code(() => parseCmngListLine(line))).toBe('DEVICE_UNEXPECTED_RESPONSE');
  });
});

describe('AT line classification', () => {
  it.each([
    ['OK', 'ok'],
    ['ERROR', 'error'],
    ['+CME ERROR: 513', 'error'],
    ['+CME ERROR: not found', 'error'],
    ['+CEREG: 0', 'urc'],
    ['+CSCON: 1', 'urc'],
    ['[00:00:28.460,540] <inf> asset_tracker: RRC mode: Connected', 'urc'],
    ['*** Booting nRF Connect SDK v2.5.0 ***', 'reset'],
    ['The AT host sample started', 'reset'],
    ['', 'blank'],
    ['352656109480783', 'info'],
    ['OK ', 'info'],
  ])('%j is %s', (line, kind) => {
    expect(classifyAtLine(line).kind).toBe(kind);
  });
  it('keeps the +CME ERROR code', () => {
    expect(classifyAtLine('+CME ERROR: 518')).toEqual({ kind: 'error', cmeError: 518 });
  });
});

describe('%CMNG write over the line link', () => {
  it('sends one PEM line per writeLine and stores exactly the CRLF-terminated PEM', () => {
    const der = Buffer.alloc(100, 7);
    const pem = certificatesPemCrlf([der, der]);
    const w = cmngWriteCommand(16842753, 0, pem);
    expect(w.lines[0]).toBe('AT%CMNG=0,16842753,0,"-----BEGIN CERTIFICATE-----');
    expect(w.lines.at(-2)).toBe('-----END CERTIFICATE-----');
    expect(w.lines.at(-1)).toBe('"');
    // What the modem receives between the quotes is the lines joined by the link's CRLFs.
    const wire = w.lines.map((l) => `${l}\r\n`).join('');
    const between = wire.slice(wire.indexOf('"') + 1, wire.lastIndexOf('"'));
    expect(between).toBe(w.text);
    expect(w.text).toBe(pem.map((l) => `${l}\r\n`).join(''));
    expect(w.text).not.toMatch(/[^\r]\n/);
    expect(pem.filter((l) => l.startsWith('-----BEGIN'))).toHaveLength(2);
    expect(Math.max(...pem.map((l) => l.length))).toBe(64);
  });
});
