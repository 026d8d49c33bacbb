import { createHash, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPublicKey } from '../../main/x509/public-key/check-public-key.js';
import { P256, P384 } from '../../main/x509/public-key/ec-point.js';
import { PublicKeyError } from '../../main/x509/public-key/public-key-errors.js';
import { bitLength, der, nextPrime, OIDS, randomPrime, rsaSpki } from '../support/csr-fixtures.js';

function refused(spki: Buffer): PublicKeyError {
  try {
    checkPublicKey(spki);
  } catch (e) {
    expect(e).toBeInstanceOf(PublicKeyError);
    return e as PublicKeyError;
  }
  throw new Error('expected the key to be refused');
}

const ecSpki = (curveOid: string, point: Buffer): Buffer => der.seq(der.seq(der.oid(OIDS.ecPublicKey), der.oid(curveOid)), der.bits(point));

function ecKey(curve: 'P-256' | 'P-384') {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return { spki, x, y };
}

describe('EC keys', () => {
  it.each([
    ['P-256', P256.oid, 'ecdsa-p256'],
    ['P-384', P384.oid, 'ecdsa-p384'],
  ] as const)('accepts %s and keeps the SPKI byte for byte', (curve, oid, algorithm) => {
    const { spki } = ecKey(curve);
    const info = checkPublicKey(spki);
    expect(info).toMatchObject({ family: 'ec', algorithm, curve });
    expect(info.spki.equals(spki)).toBe(true);
    expect(info.spkiSha256).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(oid).toBeTruthy();
  });

  it.each(['P-256', 'P-384'] as const)('re-encodes a compressed %s point as uncompressed, giving the same SPKI and hash', (curve) => {
    for (let i = 0; i < 8; i++) {
      const { spki, x, y } = ecKey(curve);
      const compressed = Buffer.concat([Buffer.from([0x02 | (y[y.length - 1]! & 1)]), x]);
      const info = checkPublicKey(ecSpki(curve === 'P-256' ? P256.oid : P384.oid, compressed));
      expect(info.spki.equals(spki)).toBe(true);
      expect(info.spkiSha256).toBe(checkPublicKey(spki).spkiSha256);
    }
  });

  it('refuses a point that is not on the curve', () => {
    const { x, y } = ecKey('P-256');
    const bad = Buffer.concat([Buffer.from([4]), x, y]);
    bad[bad.length - 1]! ^= 0x01;
    const e = refused(ecSpki(P256.oid, bad));
    expect(e.code).toBe('KEY_EC_POINT_INVALID');
    expect(e.message).toMatch(/not on the curve/);
  });

  it('refuses coordinates >= p even when they reduce to a point on the curve', () => {
    const { x, y } = ecKey('P-256');
    const xPlusP = BigInt(`0x${x.toString('hex')}`) + P256.p;
    if (xPlusP < 2n ** 256n) {
      const wide = Buffer.from(xPlusP.toString(16).padStart(64, '0'), 'hex');
      expect(refused(ecSpki(P256.oid, Buffer.concat([Buffer.from([4]), wide, y]))).message).toMatch(/x coordinate/);
    }
    const p = Buffer.from(P256.p.toString(16), 'hex');
    expect(refused(ecSpki(P256.oid, Buffer.concat([Buffer.from([4]), x, p]))).message).toMatch(/y coordinate/);
  });

  it('refuses the identity, wrong lengths, hybrid and unknown encodings', () => {
    const { x, y } = ecKey('P-384');
    for (const point of [
      Buffer.from([0x00]),
      Buffer.concat([Buffer.from([4]), x, y.subarray(1)]),
      Buffer.concat([Buffer.from([2]), x, Buffer.from([0])]),
      Buffer.concat([Buffer.from([6 | (y[47]! & 1)]), x, y]),
      Buffer.concat([Buffer.from([5]), x, y]),
      Buffer.alloc(0),
    ]) {
      expect(refused(ecSpki(P384.oid, point)).code).toBe('KEY_EC_POINT_INVALID');
    }
  });

  it('refuses a compressed x with no point on the curve', () => {
    // About half of all x values are not on the curve; find one deterministically.
    for (let i = 1; ; i++) {
      const x = Buffer.alloc(32);
      x.writeUInt32BE(i, 28);
      try {
        checkPublicKey(ecSpki(P256.oid, Buffer.concat([Buffer.from([2]), x])));
      } catch (e) {
        expect((e as PublicKeyError).code).toBe('KEY_EC_POINT_INVALID');
        expect((e as Error).message).toMatch(/no point/);
        return;
      }
    }
  });

  it.each([
    ['P-521', 'secp521r1'],
    ['secp256k1', 'secp256k1'],
  ])('refuses %s, naming it', (name, nodeCurve) => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: nodeCurve });
    const e = refused(publicKey.export({ type: 'spki', format: 'der' }));
    expect(e.code).toBe('KEY_CURVE_UNSUPPORTED');
    expect(e.message).toContain(name);
  });

  it('refuses implicitCA and explicit curve parameters', () => {
    const { x, y } = ecKey('P-256');
    const point = der.bits(Buffer.concat([Buffer.from([4]), x, y]));
    const implicit = der.seq(der.seq(der.oid(OIDS.ecPublicKey), der.null()), point);
    expect(refused(implicit).code).toBe('KEY_CURVE_UNSUPPORTED');
    const explicit = der.seq(der.seq(der.oid(OIDS.ecPublicKey), der.seq(der.int(1), der.seq(der.oid('1.2.840.10045.1.1'), der.int(P256.p)))), point);
    expect(refused(explicit).message).toMatch(/explicit/);
    expect(refused(der.seq(der.seq(der.oid(OIDS.ecPublicKey)), point)).code).toBe('KEY_SPKI_INVALID');
  });
});

describe('Ed25519 keys', () => {
  const edSpki = (key: Buffer, params?: Buffer) => der.seq(der.seq(der.oid(OIDS.ed25519), ...(params ? [params] : [])), der.bits(key));

  it('accepts a real key unchanged', () => {
    const spki = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    const info = checkPublicKey(spki);
    expect(info).toMatchObject({ family: 'ed25519', algorithm: 'ed25519' });
    expect(info.curve).toBeUndefined();
    expect(info.spki.equals(spki)).toBe(true);
  });

  it('refuses small-order points, with or without the sign bit', () => {
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const order8 = Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex');
    const signed = Buffer.from(order8);
    signed[31]! |= 0x80;
    for (const k of [identity, order8, signed, Buffer.alloc(32)]) {
      expect(refused(edSpki(k)).code).toBe('KEY_ED25519_POINT_INVALID');
    }
  });

  it('refuses non-canonical y >= p, wrong lengths and parameters', () => {
    const pPlus2 = Buffer.from('efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex');
    expect(refused(edSpki(pPlus2)).message).toMatch(/canonical/);
    expect(refused(edSpki(Buffer.alloc(31, 7))).code).toBe('KEY_ED25519_POINT_INVALID');
    expect(refused(edSpki(Buffer.alloc(32, 7), der.null())).code).toBe('KEY_SPKI_INVALID');
  });

  it.each([
    ['Ed448', 'ed448'],
    ['X25519', 'x25519'],
  ] as const)('refuses %s as an unsupported algorithm', (name, type) => {
    const spki = generateKeyPairSync(type as 'ed448').publicKey.export({ type: 'spki', format: 'der' });
    const e = refused(spki);
    expect(e.code).toBe('KEY_ALGORITHM_UNSUPPORTED');
    expect(e.message).toContain(name);
  });
});

describe('RSA keys', () => {
  let n2048: bigint;
  let spki2048: Buffer;
  beforeAll(() => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    spki2048 = publicKey.export({ type: 'spki', format: 'der' });
    n2048 = BigInt(`0x${Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`);
  });

  it('accepts a 2048-bit key with e=65537 unchanged', () => {
    const info = checkPublicKey(spki2048);
    expect(info).toMatchObject({ family: 'rsa', algorithm: 'rsa-2048', modulusBits: 2048, publicExponent: 65537 });
    expect(info.spki.equals(spki2048)).toBe(true);
  });

  it('refuses 1024 bits as too small', () => {
    const spki = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    const e = refused(spki);
    expect(e.code).toBe('KEY_RSA_TOO_SMALL');
    expect(e.message).toContain('1024');
  });

  it('refuses sizes other than 2048/3072/4096 and anything over 4096', () => {
    // the size checks run before the arithmetic ones, so any odd number of the right length will do
    const odd = (bits: number) => (1n << BigInt(bits - 1)) + 0x1234567n * 2n + 1n;
    expect(refused(rsaSpki(odd(2560), 65537n)).code).toBe('KEY_RSA_SIZE_UNSUPPORTED');
    expect(refused(rsaSpki(odd(2049), 65537n)).code).toBe('KEY_RSA_SIZE_UNSUPPORTED');
    expect(refused(rsaSpki(odd(8192), 65537n)).code).toBe('KEY_RSA_TOO_LARGE');
    expect(refused(rsaSpki(odd(2047), 65537n)).code).toBe('KEY_RSA_TOO_SMALL');
  });

  it('refuses exponents other than 65537', () => {
    for (const e of [3n, 17n, 65539n, 2n ** 255n + 1n]) {
      const err = refused(rsaSpki(n2048, e));
      expect(err.code).toBe('KEY_RSA_EXPONENT');
    }
    expect(refused(rsaSpki(n2048, 3n)).message).toContain(' 3;');
  });

  it('refuses even and negative moduli', () => {
    expect(refused(rsaSpki(n2048 + 1n, 65537n)).code).toBe('KEY_RSA_MODULUS_INVALID');
    const negative = der.seq(
      der.seq(der.oid(OIDS.rsaEncryption), der.null()),
      der.bits(der.seq(der.tlv(0x02, Buffer.from(n2048.toString(16), 'hex')), der.int(65537))),
    );
    expect(refused(negative).code).toBe('KEY_RSA_MODULUS_INVALID');
  });

  it('refuses a modulus with a small prime factor, naming it', () => {
    const q = randomPrime(2038);
    const small = nextPrime((1n << 2047n) / q + 1n);
    expect(bitLength(small * q)).toBe(2048);
    const e = refused(rsaSpki(small * q, 65537n));
    expect(e.code).toBe('KEY_RSA_SMALL_FACTOR');
    expect(e.message).toContain(`small prime ${small}`);
    // the brief's example: 101 times a large number
    const big = (1n << 2047n) / 101n + 1n;
    const n = 101n * (big % 2n === 0n ? big + 1n : big);
    expect(refused(rsaSpki(n, 65537n)).code).toBe('KEY_RSA_SMALL_FACTOR');
  });

  it('refuses primes close enough for Fermat within 100 rounds, and only those', () => {
    const p = randomPrime(1024);
    const close = nextPrime(p + (1n << 500n)); // found in round 1
    expect(refused(rsaSpki(p * close, 65537n)).code).toBe('KEY_RSA_FERMAT');
    const nearer100 = nextPrime(p + (1n << 516n)); // ~32 rounds
    const e = refused(rsaSpki(p * nearer100, 65537n));
    expect(e.code).toBe('KEY_RSA_FERMAT');
    expect(e.details?.rounds).toBeGreaterThan(1);
    const far = nextPrime(p + (1n << 530n)); // ~2^17 rounds: out of reach, and no worse than random
    if (bitLength(p * far) === 2048) expect(() => checkPublicKey(rsaSpki(p * far, 65537n))).not.toThrow();
  });

  it('refuses structural problems', () => {
    const noParams = der.seq(der.seq(der.oid(OIDS.rsaEncryption)), der.bits(der.seq(der.int(n2048), der.int(65537))));
    expect(refused(noParams).code).toBe('KEY_SPKI_INVALID');
    const trailing = der.seq(
      der.seq(der.oid(OIDS.rsaEncryption), der.null()),
      der.bits(Buffer.concat([der.seq(der.int(n2048), der.int(65537)), Buffer.from([0])])),
    );
    expect(refused(trailing).message).toMatch(/RSAPublicKey/);
    expect(refused(Buffer.concat([spki2048, Buffer.from([0])])).code).toBe('KEY_SPKI_INVALID');
    expect(refused(spki2048.subarray(0, 100)).code).toBe('KEY_SPKI_INVALID');
  });
});

describe('other keys', () => {
  it('refuses DSA naming it, and unknown OIDs', () => {
    const { publicKey } = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
    const e = refused(publicKey.export({ type: 'spki', format: 'der' }));
    expect(e.code).toBe('KEY_ALGORITHM_UNSUPPORTED');
    expect(e.message).toContain('DSA');
    expect(refused(der.seq(der.seq(der.oid('1.2.3.4')), der.bits(Buffer.alloc(4)))).message).toContain('1.2.3.4');
  });
});
