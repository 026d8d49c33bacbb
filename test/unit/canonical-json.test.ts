import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../main/encoding/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('encodes the same value identically whatever the insertion order', () => {
    const one = { actor: 'alice', details: { n: 1, m: 2 } };
    const two = { details: { m: 2, n: 1 }, actor: 'alice' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('escapes strings as JSON does, including non-ASCII', () => {
    expect(canonicalJson({ s: 'é "q" \n \u2028' })).toBe(JSON.stringify({ s: 'é "q" \n \u2028' }));
  });

  it.each([
    ['undefined member', { a: undefined }, /undefined/],
    ['NaN', { a: Number.NaN }, /NaN/],
    ['Infinity', [Number.POSITIVE_INFINITY], /Infinity/],
    ['Date', { d: new Date(0) }, /Date/],
    ['Map', new Map(), /Map/],
    ['bigint', { n: 1n }, /bigint/],
    ['function', { f: () => 1 }, /function/],
  ])('refuses a %s instead of coercing it', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cyclic/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
