/**
 * asn1js prints an OID arc too large for a JS number (UUID OIDs under 2.25, such as
 * Hallmark's manifest-signing purpose) as "{hex}" — the arc's base-128 digits as bytes —
 * instead of decimal, so "2.25.2778…005" came back as "2.25.{03217e…2d}" and never equalled
 * the OID the profile wrote. This restores the dotted decimal form.
 */
export function asn1jsOidText(text: string): string {
  if (!text.includes('{')) return text;
  return text.replace(/\{([0-9a-f]+)\}/gi, (_, hex: string) => {
    let value = 0n;
    for (const digit of Buffer.from(hex, 'hex')) value = (value << 7n) | BigInt(digit & 0x7f);
    return value.toString();
  });
}
