import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDer } from '../../main/x509/der/der-reader.js';
import { CsrError } from '../../main/x509/csr/csr-errors.js';
import { parseCsr } from '../../main/x509/csr/parse-csr.js';
import { buildCsr, der, extensionRequest, name, OIDS, opensslCsr, opensslKey, opensslVerifies, sigAlg, signerFor, toPem } from '../support/csr-fixtures.js';
import { tempDir } from '../support/temp-dir.js';
import { seededRandom } from '../../main/devices/simulator/prng.js';

/**
 * Deterministic mutation fuzzing of parseCsr. Every mutant must either be refused with a
 * CsrError (never any other exception) or be accepted — and a mutant can only be accepted
 * if it is byte-for-byte the original, since every other change breaks the signature or the
 * strict encoding. Each call must finish in under 50 ms.
 */

const MUTANTS_PER_BASE = 2000;
const PEM_MUTANTS_PER_BASE = 300;
// A pathological input would show as a slow call; one GC pause or a busy CI core must not.
// So most calls must be fast, and none may come near the second the issue allows.
const P99_CALL_MS = 50;
const MAX_CALL_MS = 1000;

const SPECIAL_BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x1f, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xa0, 0xff];

/** Offsets of every TLV header in a valid DER buffer (where length edits do the most damage). */
function headerOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  const walk = (n: ReturnType<typeof parseDer>) => {
    out.push(n.start);
    n.children.forEach(walk);
  };
  walk(parseDer(buf, { maxDepth: 20 }));
  return out;
}

function mutate(base: Buffer, headers: number[], rand: () => number): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  let m = Buffer.from(base);
  const rounds = rand() < 0.8 ? 1 : 2 + int(3);
  for (let r = 0; r < rounds; r++) {
    if (m.length === 0) break;
    const at = int(m.length);
    switch (int(9)) {
      case 0:
        m[at]! ^= 1 << int(8);
        break;
      case 1:
        m[at] = int(256);
        break;
      case 2:
        m[at] = SPECIAL_BYTES[int(SPECIAL_BYTES.length)]!;
        break;
      case 3:
        m = m.subarray(0, int(m.length));
        break;
      case 4: {
        // edit a length octet: off by one, indefinite, or a long form
        const h = headers[int(headers.length)]!;
        if (h + 1 >= m.length) break;
        const choice = int(4);
        if (choice === 0) m[h + 1] = (m[h + 1]! + 1) & 0xff;
        else if (choice === 1) m[h + 1] = (m[h + 1]! - 1) & 0xff;
        else if (choice === 2) m[h + 1] = 0x80;
        else m = Buffer.concat([m.subarray(0, h + 1), Buffer.from([0x81]), m.subarray(h + 1)]);
        break;
      }
      case 5:
        m = Buffer.concat([m.subarray(0, at), Buffer.from([int(256)]), m.subarray(at)]);
        break;
      case 6:
        m = Buffer.concat([m.subarray(0, at), m.subarray(at + 1)]);
        break;
      case 7: {
        const len = 1 + int(16);
        m = Buffer.concat([m.subarray(0, at), m.subarray(at, at + len), m.subarray(at)]);
        break;
      }
      default: {
        // swap two bytes
        const other = int(m.length);
        const t = m[at]!;
        m[at] = m[other]!;
        m[other] = t;
      }
    }
  }
  return m;
}

function mutatePem(pem: string, rand: () => number): string {
  const int = (n: number) => Math.floor(rand() * n);
  const chars = 'ABCabc019+/=-_ \n\r\t:.Z';
  const at = int(pem.length);
  switch (int(4)) {
    case 0:
      return pem.slice(0, at) + chars[int(chars.length)] + pem.slice(at + 1);
    case 1:
      return pem.slice(0, at) + chars[int(chars.length)] + pem.slice(at);
    case 2:
      return pem.slice(0, at) + pem.slice(at + 1);
    default:
      return pem.slice(0, at);
  }
}

describe('parseCsr under mutation', () => {
  const dir = tempDir('hallmark-csr-fuzz-');
  afterAll(() => dir.dispose());
  const bases: { label: string; der: Buffer }[] = [];

  beforeAll(() => {
    const csr = (key: 'p256' | 'p384' | 'ed25519' | 'rsa2048', extra: Parameters<typeof opensslCsr>[1] extends infer O ? Partial<O> : never) =>
      opensslCsr(dir.path, { keyPath: opensslKey(dir.path, key), subject: '/C=DE/O=Acme/CN=dev-1', ...extra }).der;
    bases.push(
      {
        label: 'p256+ext+challenge',
        der: csr('p256', { addext: ['subjectAltName=DNS:dev-1.example,IP:192.0.2.1', 'keyUsage=critical,digitalSignature'], challengePassword: 'nonce-1' }),
      },
      { label: 'p384', der: csr('p384', {}) },
      { label: 'ed25519+ext', der: csr('ed25519', { addext: ['extendedKeyUsage=clientAuth'] }) },
      { label: 'rsa2048+challenge', der: csr('rsa2048', { challengePassword: 'nonce-2' }) },
    );
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    bases.push({
      label: 'hand-built p256',
      der: buildCsr({
        subject: name([OIDS.cn, der.bmp('dev-2')], ['2.5.4.10', der.printable('Acme')]),
        spki: publicKey.export({ type: 'spki', format: 'der' }),
        attributes: [extensionRequest({ oid: OIDS.subjectAltName, value: der.seq(der.tlv(0x82, Buffer.from('d.example'))) })],
        sigAlg: sigAlg.ecdsaSha256(),
        sign: signerFor(privateKey),
      }),
    });
    // The starting points are good CSRs by openssl's independent judgement as well as ours.
    for (const b of bases) {
      expect(opensslVerifies(dir.path, b.der), b.label).toBe(true);
      parseCsr(b.der);
    }
  }, 60_000);

  it('refuses every changed CSR with a CsrError, quickly, and accepts only unchanged ones', () => {
    const rand = seededRandom(0x5eed_c5a1);
    const codes = new Map<string, number>();
    const unexpected: string[] = [];
    let accepted = 0;
    const durations: number[] = [];
    let total = 0;

    const run = (input: Buffer | string, original: Buffer, label: string) => {
      total++;
      const t0 = performance.now();
      try {
        const parsed = parseCsr(input);
        accepted++;
        if (!parsed.der.equals(original)) {
          const bytes = typeof input === 'string' ? parsed.der : input;
          unexpected.push(`${label}: accepted a changed CSR (openssl verifies: ${opensslVerifies(dir.path, bytes)}) ${bytes.toString('hex')}`);
        }
      } catch (e) {
        if (!(e instanceof CsrError)) {
          unexpected.push(`${label}: ${(e as Error)?.name}: ${(e as Error)?.message} for ${Buffer.from(input).toString('hex')}`);
        } else {
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        }
      }
      durations.push(performance.now() - t0);
    };

    for (const base of bases) {
      const headers = headerOffsets(base.der);
      for (let i = 0; i < MUTANTS_PER_BASE; i++) run(mutate(base.der, headers, rand), base.der, `${base.label} #${i}`);
      const pem = toPem(base.der);
      for (let i = 0; i < PEM_MUTANTS_PER_BASE; i++) run(mutatePem(pem, rand), base.der, `${base.label} pem #${i}`);
    }

    expect(unexpected).toEqual([]);
    expect(total).toBe(bases.length * (MUTANTS_PER_BASE + PEM_MUTANTS_PER_BASE));
    durations.sort((a, b) => a - b);
    expect(durations[Math.floor(durations.length * 0.99)]).toBeLessThan(P99_CALL_MS);
    expect(durations.at(-1)).toBeLessThan(MAX_CALL_MS);
    // the mutants reach deep: framing, structure, keys and signatures all get exercised
    for (const code of ['CSR_DER_LENGTH', 'CSR_DER_NON_MINIMAL', 'CSR_DER_INDEFINITE_LENGTH', 'CSR_STRUCTURE', 'CSR_SIGNATURE_INVALID', 'CSR_BASE64']) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    expect(codes.size).toBeGreaterThanOrEqual(12);
    // only no-op mutations (a byte set to its own value, a swap of equal bytes, whitespace) survive
    expect(accepted).toBeLessThan(total * 0.05);
  });
});
