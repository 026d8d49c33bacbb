import { describe, expect, it } from 'vitest';
import { DerError } from '../../main/x509/der/der-errors.js';
import { parseDer } from '../../main/x509/der/der-reader.js';
import { decodeOidBody } from '../../main/x509/der/oid.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const parse = (s: string, maxDepth = 10) => parseDer(hex(s), { maxDepth });

function derError(s: string, maxDepth = 10): DerError {
  try {
    parse(s, maxDepth);
  } catch (e) {
    expect(e).toBeInstanceOf(DerError);
    return e as DerError;
  }
  throw new Error(`expected ${s} to be refused`);
}

describe('parseDer: framing', () => {
  it('builds the element tree with offsets', () => {
    const root = parse('30 08 02 01 05 30 03 01 01 ff');
    expect(root.id).toBe(0x30);
    expect(root.children.map((c) => c.id)).toEqual([0x02, 0x30]);
    const [int, inner] = root.children;
    expect(int!.start).toBe(2);
    expect(int!.content()).toEqual(hex('05'));
    expect(inner!.children[0]!.raw()).toEqual(hex('01 01 ff'));
    expect(inner!.end).toBe(10);
  });

  it('reads long-form lengths', () => {
    const body = '04'.repeat(0) + '00'.repeat(200);
    const root = parse(`04 81 c8 ${body}`);
    expect(root.length).toBe(200);
    const big = parse(`04 82 01 00 ${'00'.repeat(256)}`);
    expect(big.length).toBe(256);
  });

  it.each([
    ['indefinite length', '30 80 02 01 00 00 00', 'DER_INDEFINITE_LENGTH'],
    ['long form for a short length', '30 81 03 02 01 00', 'DER_NON_MINIMAL'],
    ['leading zero length byte', `04 82 00 80 ${'00'.repeat(128)}`, 'DER_NON_MINIMAL'],
    ['length past the buffer', '30 05 02 01 00', 'DER_LENGTH'],
    ['child length past its parent', '30 03 04 05 00 00 00 00 00', 'DER_LENGTH'],
    ['missing length', '30', 'DER_LENGTH'],
    ['cut-short long length', '30 82 01', 'DER_LENGTH'],
    ['reserved length byte 0xFF', '30 ff', 'DER_LENGTH'],
    ['five length bytes', '04 85 01 00 00 00 00', 'DER_LENGTH'],
    ['trailing bytes', '30 00 00', 'DER_TRAILING_BYTES'],
    ['two top-level elements', '30 00 30 00', 'DER_TRAILING_BYTES'],
  ])('refuses %s', (_what, input, code) => {
    expect(derError(input).code).toBe(code);
  });

  it('refuses empty input', () => {
    expect(() => parseDer(Buffer.alloc(0), { maxDepth: 1 })).toThrow(DerError);
  });

  it('reports the offset of the bad element', () => {
    const e = derError('30 06 02 01 00 30 80 00');
    expect(e.code).toBe('DER_INDEFINITE_LENGTH');
    expect(e.offset).toBe(5);
    expect(e.message).toContain('offset 5');
  });
});

describe('parseDer: depth', () => {
  const nested = (levels: number): string => {
    let out = Buffer.alloc(0);
    for (let i = 0; i < levels; i++) out = Buffer.concat([Buffer.from([0x30, out.length]), out]);
    return out.toString('hex');
  };

  it('allows exactly maxDepth nested constructed elements', () => {
    expect(() => parse(nested(10), 10)).not.toThrow();
  });

  it('refuses one level more', () => {
    expect(derError(nested(11), 10).code).toBe('DER_TOO_DEEP');
  });

  it('survives hostile nesting far beyond the limit without exhausting the stack', () => {
    // 5000 nested indefinite-free SEQUENCEs, each length 0x82 xx xx
    const levels = 5000;
    let out = Buffer.alloc(0);
    for (let i = 0; i < levels; i++) {
      const len = out.length;
      const header =
        len < 0x80
          ? [0x30, len]
          : len < 0x100
            ? [0x30, 0x81, len]
            : len < 0x10000
              ? [0x30, 0x82, len >> 8, len & 0xff]
              : [0x30, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
      out = Buffer.concat([Buffer.from(header), out]);
    }
    expect(() => parseDer(out, { maxDepth: 10 })).toThrow(expect.objectContaining({ code: 'DER_TOO_DEEP' }));
  });
});

describe('parseDer: tags', () => {
  it('reads high tag numbers', () => {
    const root = parse('bf 81 00 03 02 01 07');
    expect(root.tagNumber).toBe(128);
    expect(root.tagClass).toBe(2);
    expect(root.constructed).toBe(true);
    expect(root.children[0]!.content()).toEqual(hex('07'));
    expect(parse('9f 1f 00').tagNumber).toBe(31);
  });

  it.each([
    ['a high tag number below 31', '9f 1e 00', 'DER_NON_MINIMAL'],
    ['a high tag number with a leading 0x80', '9f 80 21 00', 'DER_NON_MINIMAL'],
    ['a tag number over four bytes', '9f 81 81 81 81 01 00', 'DER_TAG'],
    ['a cut-short high tag', '9f 81', 'DER_LENGTH'],
    ['end-of-contents', '00 00', 'DER_TAG'],
    ['a constructed OCTET STRING (BER)', '24 03 04 01 00', 'DER_TAG'],
    ['a constructed UTF8String (BER)', '2c 00', 'DER_TAG'],
    ['a primitive SEQUENCE', '10 00', 'DER_TAG'],
    ['a primitive SET', '11 00', 'DER_TAG'],
  ])('refuses %s', (_what, input, code) => {
    expect(derError(input).code).toBe(code);
  });
});

describe('parseDer: universal values', () => {
  it.each([
    ['BOOLEAN 01', '01 01 01', 'DER_VALUE'],
    ['BOOLEAN of two bytes', '01 02 ff ff', 'DER_VALUE'],
    ['empty INTEGER', '02 00', 'DER_VALUE'],
    ['INTEGER with a redundant 00', '02 02 00 7f', 'DER_NON_MINIMAL'],
    ['INTEGER with a redundant ff', '02 02 ff 80', 'DER_NON_MINIMAL'],
    ['empty BIT STRING', '03 00', 'DER_VALUE'],
    ['BIT STRING with 8 unused bits', '03 02 08 00', 'DER_VALUE'],
    ['empty BIT STRING claiming unused bits', '03 01 03', 'DER_VALUE'],
    ['BIT STRING with non-zero padding', '03 02 01 01', 'DER_VALUE'],
    ['NULL with contents', '05 01 00', 'DER_VALUE'],
    ['empty OID', '06 00', 'DER_OID'],
    ['OID ending inside an arc', '06 02 2a 86', 'DER_OID'],
    ['OID arc with a leading 0x80', '06 03 2a 80 01', 'DER_NON_MINIMAL'],
  ])('refuses %s', (_what, input, code) => {
    expect(derError(input).code).toBe(code);
  });

  it('accepts well-formed values', () => {
    expect(() => parse('30 13 01 01 ff 01 01 00 02 02 00 80 03 02 04 f0 05 00 02 01 ff')).not.toThrow();
  });
});

describe('OIDs', () => {
  const oid = (s: string) => {
    const b = hex(s);
    return decodeOidBody(b, 0, b.length);
  };

  it('decodes ordinary OIDs', () => {
    expect(oid('2a 86 48 86 f7 0d 01 01 01')).toBe('1.2.840.113549.1.1.1');
    expect(oid('2a 86 48 ce 3d 03 01 07')).toBe('1.2.840.10045.3.1.7');
    expect(oid('2b 65 70')).toBe('1.3.101.112');
    expect(oid('55 04 03')).toBe('2.5.4.3');
    expect(oid('09 92 26 89 93 f2 2c 64 01 19')).toBe('0.9.2342.19200300.100.1.25');
    expect(oid('00')).toBe('0.0');
  });

  it('decodes first subidentifiers of arc 2 beyond 39 and arcs beyond 2^53', () => {
    expect(oid('88 37 03')).toBe('2.999.3');
    // 2.25.<128-bit UUID>, as Hallmark's own manifest-signing EKU uses
    const uuid = 277801451715990399187933793438021369005n;
    const bytes: number[] = [0x69];
    const arc: number[] = [];
    for (let v = uuid; v > 0n; v >>= 7n) arc.unshift(Number(v & 0x7fn) | (arc.length ? 0x80 : 0));
    expect(oid(Buffer.from([...bytes, ...arc]).toString('hex'))).toBe(`2.25.${uuid}`);
    // first subidentifier 2^58 - 1: past Number precision, decoded exactly
    expect(oid('83 ff ff ff ff ff ff ff 7f 01')).toBe(`2.${2n ** 58n - 1n - 80n}.1`);
  });

  it('is exposed on nodes', () => {
    expect(parse('06 03 55 04 03').oid()).toBe('2.5.4.3');
  });
});

describe('parseDer: hostile bytes', () => {
  it('throws only DerError for random input', () => {
    let seed = 0x9e3779b9;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    for (let i = 0; i < 5000; i++) {
      const len = 1 + Math.floor(rand() * 40);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = rand() < 0.3 ? [0x30, 0x31, 0x80, 0x81, 0x00, 0x06][Math.floor(rand() * 6)]! : Math.floor(rand() * 256);
      try {
        parseDer(buf, { maxDepth: 4 });
      } catch (e) {
        if (!(e instanceof DerError)) throw e;
      }
    }
  });
});

describe('OID bounds', () => {
  it('refuses OIDs over 128 bytes and arcs over 128 bits, which no real OID needs', () => {
    const long = Buffer.concat([Buffer.from([0x06, 0x81, 129]), Buffer.alloc(129, 0x01)]);
    expect(() => parseDer(long, { maxDepth: 1 })).toThrow(expect.objectContaining({ code: 'DER_OID' }));
    const bigArc = Buffer.concat([Buffer.from([0x06, 21, 0x2a]), Buffer.alloc(19, 0xff), Buffer.from([0x7f])]);
    expect(() => parseDer(bigArc, { maxDepth: 1 })).toThrow(expect.objectContaining({ code: 'DER_OID' }));
    const fine = Buffer.concat([Buffer.from([0x06, 128]), Buffer.alloc(128, 0x01)]);
    expect(() => parseDer(Buffer.concat([Buffer.from([0x06, 0x81, 128]), fine.subarray(2)]), { maxDepth: 1 })).not.toThrow();
  });
});
