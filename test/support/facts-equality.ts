import { expect } from 'vitest';

/**
 * asn1-x509 hands back its own Array subclasses (Name, Extensions) and copies of every
 * byte string, the fast reader plain arrays and views: compare the facts as plain data.
 */
export function plainFacts(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (value instanceof Set) return new Set([...value].map(plainFacts));
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return Array.from(value, plainFacts);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainFacts(v)]));
  }
  return value;
}

export function expectSameFacts(actual: unknown, expected: unknown): void {
  expect(plainFacts(actual)).toStrictEqual(plainFacts(expected));
}

/** The thrown error's class, code and message, or 'ok' when nothing was thrown. */
export function outcome(read: () => unknown): unknown {
  try {
    return { ok: plainFacts(read()) };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { name: err.name, code: err.code, message: err.message };
  }
}
