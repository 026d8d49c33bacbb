/**
 * A deterministic JSON encoding (keys sorted by UTF-16 code units, no whitespace), so the
 * same value always hashes to the same bytes whatever order its keys were built in.
 * Only plain JSON values are accepted: a Date, Map, undefined member, NaN or cycle would
 * encode ambiguously, so they are refused rather than silently coerced.
 * It lives in a room with no dependencies so the audit log and the standalone manifest
 * verifier (which must not reach into main/store) share one encoder.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  return encode(value, new Set());
}

function encode(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot encode the number ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON cannot encode a value of type ${typeof value}`);
  }
  const obj = value;
  if (seen.has(obj)) throw new TypeError('canonical JSON cannot encode a cyclic value');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => encode(v, seen)).join(',')}]`;
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonical JSON cannot encode a ${obj.constructor?.name ?? 'non-plain'} object`);
    }
    const keys = Object.keys(obj).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = (obj as Record<string, unknown>)[k];
      if (v === undefined) throw new TypeError(`canonical JSON cannot encode undefined (key "${k}")`);
      parts.push(`${JSON.stringify(k)}:${encode(v, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}
