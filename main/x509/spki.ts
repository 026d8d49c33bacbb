/**
 * Reads the subjectPublicKey bits out of a DER SubjectPublicKeyInfo without a full parser:
 * SPKI ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }.
 * The input is always an SPKI we produced or already checked.
 */
export function subjectPublicKeyBits(spki: Buffer): Buffer {
  const outer = readHeader(spki, 0);
  if (spki[0] !== 0x30) throw new RangeError('SPKI is not a SEQUENCE');
  const alg = readHeader(spki, outer.contentStart);
  const bitsAt = alg.contentStart + alg.length;
  if (spki[bitsAt] !== 0x03) throw new RangeError('SPKI has no BIT STRING');
  const bits = readHeader(spki, bitsAt);
  // Skip the unused-bits byte.
  return spki.subarray(bits.contentStart + 1, bits.contentStart + bits.length);
}

function readHeader(buf: Buffer, at: number): { contentStart: number; length: number } {
  const first = buf[at + 1];
  if (first === undefined) throw new RangeError('truncated DER');
  if (first < 0x80) return { contentStart: at + 2, length: first };
  const n = first & 0x7f;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + buf[at + 2 + i]!;
  return { contentStart: at + 2 + n, length };
}
