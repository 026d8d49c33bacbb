/**
 * PostgreSQL's text form of a one-dimensional array (`{"a","b",NULL}`), built by us
 * rather than by node-pg when the query is sent: an import builds the next chunk's
 * literals while the server is still inserting the previous chunk, so the importer's
 * CPU and the server's overlap instead of taking turns. Every element is quoted, with
 * `\` and `"` escaped; a Buffer becomes bytea's hex form (`\x…`).
 */
export function pgArrayLiteral(values: readonly (string | number | Buffer | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) parts[i] = 'NULL';
    // hex digits need no escaping; the backslash of \x does
    else if (Buffer.isBuffer(v)) parts[i] = `"\\\\x${v.toString('hex')}"`;
    else {
      const s = String(v);
      parts[i] = `"${/["\\]/.test(s) ? s.replace(/["\\]/g, '\\$&') : s}"`;
    }
  }
  return `{${parts.join(',')}}`;
}
