import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCbor, type CborDecodeOptions } from '../../main/devices/nrf91/cbor-decode.js';
import { cborMap, encodeCbor } from '../../main/devices/nrf91/cbor-encode.js';
import { CborError } from '../../main/devices/nrf91/cbor-errors.js';
import { CborMap, CborTagged } from '../../main/devices/nrf91/cbor-value.js';
import { CoseError, decodeCoseSign1, signCoseSign1, verifyCoseSign1 } from '../../main/devices/nrf91/cose-sign1.js';
import { decodeKeygenAttestation, encodeKeygenAttestation } from '../../main/devices/nrf91/keygen-attestation.js';
import { NORDIC_KEYGEN_16842753 as V } from '../support/nrf91-vectors.js';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

function cborCode(bytes: Buffer, options: CborDecodeOptions = {}): string {
  try {
    decodeCbor(bytes, options);
  } catch (e) {
    if (e instanceof CborError) return e.code;
    throw e;
  }
  return 'no error';
}

function coseError(bytes: Buffer): string {
  try {
    decodeCoseSign1(bytes);
  } catch (e) {
    if (e instanceof CoseError) return e.message;
    throw e;
  }
  return 'no error';
}

describe('CBOR decoder: what it accepts', () => {
  it.each([
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1a01010001', 16842753],
    ['20', -1],
    ['26', -7],
    ['3863', -100],
    ['1b001ffffffffffffe', Number.MAX_SAFE_INTEGER - 1],
    ['3b001ffffffffffffe', -Number.MAX_SAFE_INTEGER],
  ])('integer %s', (h, value) => {
    expect(decodeCbor(hex(h))).toBe(value);
  });
  it('stops integers where JS numbers stop being exact (2^53 - 1 itself is refused, so -1 - n stays exact)', () => {
    expect(cborCode(hex('1b001fffffffffffff'))).toBe('CBOR_UNSUPPORTED');
    expect(cborCode(hex('3b001fffffffffffff'))).toBe('CBOR_UNSUPPORTED');
  });
  it('strings, arrays, maps and allowed tags', () => {
    expect(decodeCbor(hex('43010203'))).toEqual(Buffer.from([1, 2, 3]));
    expect(decodeCbor(hex('6568656c6c6f'))).toBe('hello');
    expect(decodeCbor(hex('83010203'))).toEqual([1, 2, 3]);
    const m = decodeCbor(hex('a2012663666f6f40'));
    expect(m).toBeInstanceOf(CborMap);
    expect((m as CborMap).get(1)).toBe(-7);
    expect((m as CborMap).get('foo')).toEqual(Buffer.alloc(0));
    const t = decodeCbor(hex('d28100'), { allowedTags: [18] });
    expect(t).toEqual(new CborTagged(18, [0]));
  });
  it('round-trips what the encoder writes', () => {
    const value = new CborTagged(18, [
      Buffer.from('ab'),
      cborMap([
        [1, -7],
        ['x', 'y'],
      ]),
      70000,
      -70000,
      'é',
      [Buffer.alloc(300)],
    ]);
    expect(decodeCbor(encodeCbor(value), { allowedTags: [18], maxBytes: 1000 })).toEqual(value);
  });
});

describe('CBOR decoder: hostile and out-of-profile input', () => {
  it.each([
    ['empty input', '', 'CBOR_TRUNCATED'],
    ['trailing bytes', '0000', 'CBOR_TRAILING_BYTES'],
    ['truncated head', '19 01', 'CBOR_TRUNCATED'],
    ['truncated string', '45 0102', 'CBOR_TRUNCATED'],
    ['truncated array', '83 0102', 'CBOR_TRUNCATED'],
    ['non-minimal int', '18 05', 'CBOR_NON_MINIMAL'],
    ['non-minimal length', '59 0003 010203', 'CBOR_NON_MINIMAL'],
    ['non-minimal 64-bit', '1b 00000000ffffffff', 'CBOR_NON_MINIMAL'],
    ['integer beyond 2^53', '1b ffffffffffffffff', 'CBOR_UNSUPPORTED'],
    ['indefinite array', '9f 00 ff', 'CBOR_INDEFINITE_LENGTH'],
    ['indefinite bytes', '5f 4100 ff', 'CBOR_INDEFINITE_LENGTH'],
    ['break byte', 'ff', 'CBOR_UNSUPPORTED'],
    ['half float', 'f9 3c00', 'CBOR_UNSUPPORTED'],
    ['double', 'fb 3ff0000000000000', 'CBOR_UNSUPPORTED'],
    ['true', 'f5', 'CBOR_UNSUPPORTED'],
    ['null', 'f6', 'CBOR_UNSUPPORTED'],
    ['reserved additional info', '1c', 'CBOR_UNSUPPORTED'],
    ['tag not allowed', 'd1 80', 'CBOR_TAG_NOT_ALLOWED'],
    ['bignum tag', 'c2 4101', 'CBOR_TAG_NOT_ALLOWED'],
    ['duplicate map key', 'a2 0100 0101', 'CBOR_DUPLICATE_KEY'],
    ['byte-string map key', 'a1 4101 00', 'CBOR_BAD_MAP_KEY'],
    ['array map key', 'a1 80 00', 'CBOR_BAD_MAP_KEY'],
    ['invalid UTF-8', '62 c328', 'CBOR_INVALID_UTF8'],
    ['UTF-8 surrogate', '63 eda080', 'CBOR_INVALID_UTF8'],
  ])('%s', (_what, h, code) => {
    expect(cborCode(hex(h), { allowedTags: [18] })).toBe(code);
  });

  it('refuses huge announced lengths without allocating them', () => {
    expect(cborCode(hex('5b 7fffffffffffffff 00'))).toBe('CBOR_UNSUPPORTED');
    expect(cborCode(hex('5b 000fffffffffffff 00'))).toBe('CBOR_TRUNCATED');
    expect(cborCode(hex('5a ffffffff 00'))).toBe('CBOR_TRUNCATED');
    expect(cborCode(hex('7a ffffffff 00'))).toBe('CBOR_TRUNCATED');
    expect(cborCode(hex('9a ffffffff 00'))).toBe('CBOR_TOO_MANY_ITEMS');
    expect(cborCode(hex('b9 ffff 00'))).toBe('CBOR_TOO_MANY_ITEMS');
    // A count the remaining bytes cannot hold is refused before the loop starts.
    expect(cborCode(hex('98 1f 00'))).toBe('CBOR_TRUNCATED');
  });

  it('bounds nesting depth (arrays, maps and tags)', () => {
    expect(cborCode(Buffer.concat([Buffer.alloc(100_000 / 25, 0x81), Buffer.from([0])]), { maxBytes: 10_000 })).toBe('CBOR_TOO_DEEP');
    expect(cborCode(Buffer.concat([Buffer.alloc(9, 0x81), Buffer.from([0])]))).toBe('CBOR_TOO_DEEP');
    expect(decodeCbor(Buffer.concat([Buffer.alloc(8, 0x81), Buffer.from([0])]))).toBeDefined();
    expect(cborCode(Buffer.concat([Buffer.from('a101'.repeat(9), 'hex'), Buffer.from([0])]))).toBe('CBOR_TOO_DEEP');
    expect(cborCode(Buffer.concat([Buffer.from('d2'.repeat(9), 'hex'), Buffer.from([0])]), { allowedTags: [18] })).toBe('CBOR_TOO_DEEP');
  });

  it('refuses input over its size limit before parsing', () => {
    expect(cborCode(Buffer.alloc(8193))).toBe('CBOR_TOO_LARGE');
  });

  it('never throws anything but CborError on random input', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
      try {
        decodeCbor(b, { allowedTags: [18, 55799] });
      } catch (e) {
        expect(e).toBeInstanceOf(CborError);
      }
    }
  });
});

describe('COSE_Sign1', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const payload = Buffer.from('payload');

  it('signs and verifies an ES256 COSE_Sign1 over the RFC 9052 Sig_structure', () => {
    const bytes = signCoseSign1(payload, privateKey, encodeCbor(-2));
    const cose = decodeCoseSign1(bytes);
    expect(cose.payload).toEqual(payload);
    expect(cose.signature).toHaveLength(64);
    expect(verifyCoseSign1(cose, publicKey)).toBe(true);
    expect(verifyCoseSign1({ ...cose, payload: Buffer.from('other') }, publicKey)).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyCoseSign1(cose, other)).toBe(false);
  });

  it("reads a real modem token (tag 18, {1: -7}, {4: h'21'})", () => {
    const cose = decodeCoseSign1(Buffer.from(V.cose, 'base64url'));
    expect(cose.alg).toBe(-7);
    expect(cose.kid).toEqual(Buffer.from([0x21]));
    const a = decodeKeygenAttestation(cose.payload);
    expect(a.nonce.toString('hex')).toBe(V.nonce);
  });

  const build = (parts: unknown[], tag = 18) => encodeCbor(new CborTagged(tag, parts as never));
  const prot = encodeCbor(cborMap([[1, -7]]));
  const sig = Buffer.alloc(64, 1);

  it.each([
    ['untagged', encodeCbor([prot, cborMap([]), payload, sig]), /tag|not accepted/],
    ['COSE_Sign (tag 98)', build([prot, cborMap([]), payload, sig], 98), /not accepted/],
    ['COSE_Mac0 (tag 17)', build([prot, cborMap([]), payload, sig], 17), /not accepted/],
    ['three elements', build([prot, cborMap([]), payload]), /4 elements/],
    ['protected not bstr', build([cborMap([[1, -7]]), cborMap([]), payload, sig]), /byte string/],
    ['ES384', build([encodeCbor(cborMap([[1, -35]])), cborMap([]), payload, sig]), /ES256/],
    ['alg as text', build([encodeCbor(cborMap([[1, 'ES256']])), cborMap([]), payload, sig]), /ES256/],
    ['no alg', build([encodeCbor(cborMap([])), cborMap([]), payload, sig]), /ES256/],
    [
      'crit in protected',
      build([
        encodeCbor(
          cborMap([
            [1, -7],
            [2, [99]],
          ]),
        ),
        cborMap([]),
        payload,
        sig,
      ]),
      /unexpected parameter/,
    ],
    ['unknown unprotected', build([prot, cborMap([[33, Buffer.alloc(1)]]), payload, sig]), /unexpected parameter/],
    ['kid not bstr', build([prot, cborMap([[4, -2]]), payload, sig]), /unexpected parameter/],
    ['detached payload (nil)', Buffer.concat([hex('d284'), encodeCbor(prot), hex('a0 f6'), encodeCbor(sig)]), /simple value/],
    ['payload as text', build([prot, cborMap([]), 'text', sig]), /attached byte string/],
    ['63-byte signature', build([prot, cborMap([]), payload, Buffer.alloc(63)]), /64 bytes/],
    ['DER signature', build([prot, cborMap([]), payload, Buffer.alloc(72)]), /64 bytes/],
    ['protected with trailing bytes', build([Buffer.concat([prot, Buffer.from([0])]), cborMap([]), payload, sig]), /after the CBOR item/],
    ['trailing bytes', Buffer.concat([build([prot, cborMap([]), payload, sig]), Buffer.from([0])]), /after the CBOR item/],
  ])('refuses %s', (_what, bytes, message) => {
    expect(coseError(bytes)).toMatch(message);
  });
});

describe('KEYGEN attestation payload', () => {
  const uuid = Buffer.alloc(16, 0xab);
  const nonce = Buffer.alloc(16, 0xcd);
  const digest = Buffer.alloc(32, 0xef);
  const enc = (items: unknown[], tagged = true) => {
    const arr = items as never;
    return encodeCbor(tagged ? new CborTagged(55799, arr) : arr);
  };

  it('round-trips the modem spelling and accepts a plain-integer sec_tag', () => {
    const p = encodeKeygenAttestation({ deviceUuid: uuid, secTag: 16842753, csrDer: Buffer.from('csr'), nonce });
    expect(decodeKeygenAttestation(p).secTag).toBe(16842753);
    expect(decodeKeygenAttestation(enc([9, uuid, 7, digest, nonce], false)).secTag).toBe(7);
  });
  it.each([
    ['pubkey message (8)', [8, uuid, 1, digest, nonce]],
    ['short UUID', [9, uuid.subarray(1), 1, digest, nonce]],
    ['short digest', [9, uuid, 1, digest.subarray(1), nonce]],
    ['long nonce', [9, uuid, 1, digest, Buffer.alloc(17)]],
    ['negative sec_tag', [9, uuid, -1, digest, nonce]],
    ['sec_tag beyond 2^31-1', [9, uuid, 0x80000000, digest, nonce]],
    ['sec_tag bytes that are not an integer', [9, uuid, Buffer.from('abc'), digest, nonce]],
    ['six elements', [9, uuid, 1, digest, nonce, 0]],
  ])('refuses %s', (_what, items) => {
    expect(() => decodeKeygenAttestation(enc(items))).toThrow(CoseError);
  });
  it('refuses other tags around the payload', () => {
    expect(() => decodeKeygenAttestation(encodeCbor(new CborTagged(18, [9, uuid, 1, digest, nonce])))).toThrow(/tag 18/);
  });
});
