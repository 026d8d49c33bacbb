/**
 * The canonical JSON the manifest's digests are taken over: object keys sorted by UTF-16
 * code units, no whitespace, JSON.stringify's string and number forms; only plain JSON
 * values. It is the same encoding as main/store/canonical-json.ts (the audit log's), kept
 * here as part of the manifest format so the standalone verifier — which the online side
 * runs without the workspace — does not reach into main/store.
 * test/unit/manifest-format.test.ts holds the two to equal output.
 */
export function canonicalJson(value: unknown): string {
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
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError('canonical JSON encodes plain objects only');
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) throw new TypeError(`canonical JSON cannot encode undefined (key "${k}")`);
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}
