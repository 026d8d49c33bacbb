import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET, decodeCrockford, encodeCrockford } from '../../main/keys/shares/crockford-base32.js';
import { encodeShare, type EncryptedShare } from '../../main/keys/shares/encrypted-share.js';
import { formatShareText, parseShareText, shareText } from '../../main/keys/shares/share-text.js';

/** A structurally valid share; the text form does not care what the ciphertext decrypts to. */
function sampleShare(ciphertextLength = 139): EncryptedShare {
  return {
    index: 2,
    threshold: 2,
    total: 3,
    spkiPrefix: randomBytes(8).toString('hex'),
    kdf: { name: 'scrypt', log2N: 17, r: 8, p: 1, salt: randomBytes(16) },
    iv: randomBytes(12),
    ciphertext: randomBytes(ciphertextLength),
    tag: randomBytes(16),
  };
}

function expectSame(a: EncryptedShare, b: EncryptedShare): void {
  expect(encodeShare(a).equals(encodeShare(b))).toBe(true);
}

function corruptLines(text: string): number[] {
  try {
    parseShareText(text);
  } catch (e) {
    expect(e).toMatchObject({ code: 'SHARE_CORRUPT' });
    return (e as { details?: { lines?: number[] } }).details?.lines ?? [];
  }
  throw new Error('expected SHARE_CORRUPT');
}

/** Replaces the symbol at data position `pos` of line `line` (1-based) with another symbol. */
function mutate(lines: string[], line: number, pos: number, to: (c: string) => string): string[] {
  const out = [...lines];
  const l = out[line - 1]!;
  // Skip the prefix and separators: find the pos-th base32 symbol after any "HMS1 ".
  let seen = -1;
  const start = line === 1 ? 5 : 0;
  for (let i = start; i < l.length; i++) {
    if (l[i] === ' ') continue;
    if (++seen === pos) {
      out[line - 1] = l.slice(0, i) + to(l[i]!) + l.slice(i + 1);
      return out;
    }
  }
  throw new Error('position past end of line');
}

describe('Crockford base32', () => {
  it('round-trips every length and refuses non-canonical padding', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      expect(decodeCrockford(encodeCrockford(bytes)).equals(bytes)).toBe(true);
    }
    expect(() => decodeCrockford('01')).toThrow(/padding/); // 10 bits, last 2 must be zero
    expect(() => decodeCrockford('0')).toThrow(/whole number/);
  });
});

describe('share text form', () => {
  it('lays out 8 groups of 5 and a 2-symbol check per line, HMS1 first', () => {
    const lines = formatShareText(sampleShare());
    expect(lines[0]).toMatch(/^HMS1 ([0-9A-HJKMNP-TV-Z]{5} ){8}[0-9A-HJKMNP-TV-Z]{2}$/);
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/^([0-9A-HJKMNP-TV-Z]{5} ){8}[0-9A-HJKMNP-TV-Z]{2}$/);
    expect(lines.join('')).not.toMatch(/[ILOU]/);
  });

  it('round-trips, for every share size Hallmark makes', () => {
    for (const ct of [49, 139, 186, 1218, 2375]) {
      const share = sampleShare(ct);
      expectSame(parseShareText(shareText(share)), share);
    }
  });

  it('tolerates case, dashes, extra whitespace, CRLF, O/0 and I/L/1 confusions, and lost line breaks', () => {
    const share = sampleShare();
    const text = shareText(share);
    const sloppy = text
      .split('\n')
      .map((l) => `  ${l.toLowerCase().replace(/ /g, '-').replace(/0/g, 'o').replace(/1/g, 'l')}\t`)
      .join('\r\n\r\n');
    expectSame(parseShareText(sloppy), share);
    expectSame(parseShareText(text.replace(/\n/g, ' ')), share);
    expectSame(parseShareText(text.replace(/\s/g, '')), share);
  });

  it('names the line with a typo', () => {
    const lines = formatShareText(sampleShare());
    const typo = mutate(lines, 3, 17, (c) => (c === 'A' ? 'B' : 'A'));
    expect(corruptLines(typo.join('\n'))).toEqual([3]);
    expect(() => parseShareText(typo.join('\n'))).toThrow(/line 3 has a typo/);
  });

  it('catches every single-symbol substitution and every adjacent swap in a line', () => {
    const lines = formatShareText(sampleShare());
    const symbolsInLine2 = lines[1]!.replace(/ /g, '').length;
    for (let pos = 0; pos < symbolsInLine2; pos++) {
      for (const to of CROCKFORD_ALPHABET) {
        const changed = mutate(lines, 2, pos, (c) => (c === to ? c : to));
        if (changed[1] === lines[1]) continue;
        expect(corruptLines(changed.join('\n'))).toEqual([2]);
      }
    }
    const data = lines[1]!.replace(/ /g, '');
    for (let pos = 0; pos + 1 < data.length; pos++) {
      if (data[pos] === data[pos + 1]) continue;
      const swapped = data.slice(0, pos) + data[pos + 1] + data[pos] + data.slice(pos + 2);
      expect(corruptLines([lines[0], swapped, ...lines.slice(2)].join('\n'))).toEqual([2]);
    }
  });

  it('says which line is missing, repeated, swapped or has a symbol dropped', () => {
    const lines = formatShareText(sampleShare()); // 9 lines
    expect(lines.length).toBe(9);

    const skipped = [...lines.slice(0, 4), ...lines.slice(5)];
    expect(() => parseShareText(skipped.join('\n'))).toThrow(/line 5 holds what should be line 6/);

    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expect(corruptLines(swapped.join('\n'))).toEqual([3, 4]);

    expect(() => parseShareText(lines.slice(0, -1).join('\n'))).toThrow(/1 line is missing at the end \(this share has 9 lines\)/);
    expect(() => parseShareText([...lines, lines[8]!].join('\n'))).toThrow(/extra lines after line 9/);

    const dropped = [...lines];
    dropped[6] = dropped[6]!.replace(/^(\S{4})\S/, '$1');
    expect(corruptLines(dropped.join('\n'))).toEqual([7]);
  });

  it('refuses foreign characters, other prefixes and versions', () => {
    const lines = formatShareText(sampleShare());
    expect(() => parseShareText(mutate(lines, 4, 3, () => 'U').join('\n'))).toThrow(/line 4 has "U"/);
    expect(() => parseShareText(lines.join('\n').replace('HMS1', 'HMS2'))).toThrow(/version 2/);
    expect(() => parseShareText(lines.join('\n').replace('HMS1 ', ''))).toThrow(/starts with HMS1/);
    expect(() => parseShareText('   ')).toThrow(/empty/);
  });
});
