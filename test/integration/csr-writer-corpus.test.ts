import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDer, type DerNode } from '../../main/x509/der/der-reader.js';
import { CSR_ALLOWANCE_NAMES, CSR_ALLOWANCES, type CsrAllowance } from '../../main/x509/csr/csr-allowances.js';
import { CsrError, type CsrErrorCode } from '../../main/x509/csr/csr-errors.js';
import { CSR_OID_NAMES } from '../../main/x509/csr/csr-oids.js';
import { signatureAlgorithmName } from '../../main/x509/csr/csr-signature.js';
import { parseCsr, type ParseCsrOptions } from '../../main/x509/csr/parse-csr.js';
import { opensslReqVerify } from '../support/csr-fixtures.js';
import { syntheticCsrs } from '../support/csr-synthetic-writers.js';
import { buildWriterCorpus, CORPUS_WRITERS, missingWriters, type CorpusWriter, type WriterCorpus } from '../support/csr-writer-corpus.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Issue #12: every CSR the real writers Debian ships make (built and run at test time by
 * csr-writer-corpus.ts), and synthetic ones for the writers Debian does not ship, against
 * the named allowances. The expectations are what the writers were measured to produce
 * (docs/device-protocol.md, "CSRs from real device stacks: allowances", is this table).
 */

/** What a writer put in its CSR, as far as the allowances and the doc table care. */
interface Facts {
  version: number;
  signature: string;
  /** the signature AlgorithmIdentifier's parameters */
  parameters: 'absent' | 'NULL';
  /** subject attributes in encoded order, with their string type */
  subject: string[];
  /** attribute names in encoded order */
  attributes: string[];
  /** whether the [0] SET OF is in DER order (X.690 11.6) */
  attributesSorted: boolean;
  /** the challengePassword's string type */
  challengePassword: string | null;
  /** requested extensions, ' critical' appended when marked so */
  extensions: string[];
}

type OpensslVerify = 'ok' | 'failure' | 'error';

interface Accepted {
  writer: string;
  label: string;
  /** exactly the allowances it needs, in CSR_ALLOWANCE_NAMES order */
  allowances: CsrAllowance[];
  openssl: OpensslVerify;
  /** measured, for the real writers */
  facts?: Facts;
}

interface Refused {
  writer: string;
  label: string;
  /** refused with this code whatever the allowances, 'all' included */
  refused: CsrErrorCode;
  openssl: OpensslVerify;
}

const REAL: readonly CorpusWriter[] = CORPUS_WRITERS;

const mbedtlsFacts = (signature: string, parameters: 'NULL', subject: string[], extensions: string[]): Facts => ({
  version: 0,
  signature,
  parameters,
  subject,
  attributes: extensions.length > 0 ? ['extensionRequest'] : [],
  attributesSorted: true,
  challengePassword: null,
  extensions,
});
const MBEDTLS_SUBJECT = ['CN:UTF8String', 'O:UTF8String', 'serialNumber:PrintableString'];
const wolfsslFacts = (version: number): Facts => ({
  version,
  signature: 'ecdsa-with-SHA256',
  parameters: 'absent',
  subject: ['C:PrintableString', 'O:UTF8String', 'CN:UTF8String', 'serialNumber:PrintableString'],
  // wolfSSL writes challengePassword first: not the DER order of a SET OF (pyca refuses it for that)
  attributes: ['challengePassword', 'extensionRequest'],
  attributesSorted: false,
  challengePassword: 'UTF8String',
  extensions: ['keyUsage critical'],
});
const opensslFacts = (signature: string, parameters: 'absent' | 'NULL'): Facts => ({
  version: 0,
  signature,
  parameters,
  subject: ['C:PrintableString', 'O:UTF8String', 'CN:UTF8String', 'serialNumber:PrintableString'],
  attributes: ['challengePassword', 'extensionRequest'],
  attributesSorted: true,
  challengePassword: 'UTF8String',
  extensions: ['subjectAltName', 'keyUsage critical'],
});
const pycaFacts = (signature: string): Facts => ({
  version: 0,
  signature,
  parameters: 'absent',
  subject: ['C:PrintableString', 'O:UTF8String', 'CN:UTF8String', 'serialNumber:PrintableString'],
  attributes: ['extensionRequest', 'challengePassword'],
  attributesSorted: true,
  challengePassword: 'UTF8String',
  extensions: ['subjectAltName'],
});

const ACCEPTED: Accepted[] = [
  // mbedTLS 2.28.3: NULL after ecdsa-with-SHA* (P-384 too), serialNumber as an unchecked PrintableString
  {
    writer: 'mbedtls',
    label: 'p256',
    allowances: ['ecdsa-null-parameters', 'subject-string-characters'],
    openssl: 'ok',
    facts: mbedtlsFacts('ecdsa-with-SHA256', 'NULL', MBEDTLS_SUBJECT, ['keyUsage']),
  },
  {
    writer: 'mbedtls',
    label: 'p384',
    allowances: ['ecdsa-null-parameters', 'subject-string-characters'],
    openssl: 'ok',
    facts: mbedtlsFacts('ecdsa-with-SHA384', 'NULL', MBEDTLS_SUBJECT, ['keyUsage']),
  },
  {
    writer: 'mbedtls',
    label: 'rsa2048',
    allowances: ['subject-string-characters'],
    openssl: 'ok',
    facts: mbedtlsFacts('sha256WithRSAEncryption', 'NULL', MBEDTLS_SUBJECT, ['keyUsage']),
  },
  {
    writer: 'mbedtls',
    label: 'p256-plain',
    allowances: ['ecdsa-null-parameters'],
    openssl: 'ok',
    facts: mbedtlsFacts('ecdsa-with-SHA256', 'NULL', ['CN:UTF8String', 'O:UTF8String'], []),
  },
  // wolfSSL 5.5.4: version 2 unless the firmware sets 0; attributes out of DER order; keyUsage critical; challengePassword UTF8String
  { writer: 'wolfssl', label: 'p256-v2', allowances: ['csr-version-nonzero', 'attributes-unsorted'], openssl: 'ok', facts: wolfsslFacts(2) },
  { writer: 'wolfssl', label: 'p256-v0', allowances: ['attributes-unsorted'], openssl: 'ok', facts: wolfsslFacts(0) },
  {
    writer: 'go',
    label: 'p256',
    allowances: [],
    openssl: 'ok',
    facts: {
      version: 0,
      signature: 'ecdsa-with-SHA256',
      parameters: 'absent',
      subject: ['C:PrintableString', 'O:PrintableString', 'CN:PrintableString', 'serialNumber:PrintableString'],
      attributes: ['extensionRequest'],
      attributesSorted: true,
      challengePassword: null,
      extensions: ['subjectAltName'],
    },
  },
  { writer: 'openssl', label: 'p256', allowances: [], openssl: 'ok', facts: opensslFacts('ecdsa-with-SHA256', 'absent') },
  { writer: 'openssl', label: 'ed25519', allowances: [], openssl: 'ok', facts: opensslFacts('Ed25519', 'absent') },
  { writer: 'openssl', label: 'rsa2048', allowances: [], openssl: 'ok', facts: opensslFacts('sha256WithRSAEncryption', 'NULL') },
  {
    writer: 'certtool',
    label: 'p256',
    allowances: [],
    openssl: 'ok',
    facts: {
      version: 0,
      signature: 'ecdsa-with-SHA256',
      parameters: 'absent',
      subject: ['C:PrintableString', 'O:PrintableString', 'CN:PrintableString', 'serialNumber:PrintableString'],
      attributes: ['challengePassword', 'extensionRequest'],
      attributesSorted: true,
      challengePassword: 'PrintableString',
      // certtool adds basicConstraints CA:FALSE and keyUsage, both critical, on its own
      extensions: ['subjectAltName', 'basicConstraints critical', 'keyUsage critical'],
    },
  },
  { writer: 'pyca', label: 'p256', allowances: [], openssl: 'ok', facts: pycaFacts('ecdsa-with-SHA256') },
  { writer: 'pyca', label: 'ed25519', allowances: [], openssl: 'ok', facts: pycaFacts('Ed25519') },
  // synthetic, for the writers Debian does not ship (csr-synthetic-writers.ts)
  { writer: 'cryptoauthlib', label: 'template-2', allowances: [], openssl: 'ok' },
  { writer: 'optiga-trust-m', label: 'padded-r', allowances: ['ecdsa-signature-padded'], openssl: 'error' },
  { writer: 'bouncy-castle', label: 'no-attributes', allowances: ['attributes-absent'], openssl: 'ok' },
  { writer: 'combined', label: 'null-parameters+version-2', allowances: ['ecdsa-null-parameters', 'csr-version-nonzero'], openssl: 'ok' },
];

const REFUSED: Refused[] = [
  { writer: 'pkcs11-bridge', label: 'raw-r-s', refused: 'CSR_SIGNATURE_INVALID', openssl: 'error' },
  // OpenSSL 3.0 says "verify failure" and exits 0
  { writer: 'tpm2-tss-engine', label: 'bad-self-signature', refused: 'CSR_SIGNATURE_INVALID', openssl: 'failure' },
  { writer: 'synthetic', label: 'negative-r', refused: 'CSR_SIGNATURE_INVALID', openssl: 'error' },
  { writer: 'synthetic', label: 'ecdsa-with-sha1', refused: 'CSR_SIGNATURE_WEAK', openssl: 'ok' },
  { writer: 'synthetic', label: 'version-3', refused: 'CSR_VERSION', openssl: 'ok' },
  { writer: 'synthetic', label: 'ber-indefinite-length', refused: 'CSR_DER_INDEFINITE_LENGTH', openssl: 'ok' },
  { writer: 'synthetic', label: 'trailing-bytes', refused: 'CSR_DER_TRAILING_BYTES', openssl: 'ok' },
];

const missing = missingWriters(); // throws under CI=true if any writer cannot run
for (const [writer, why] of Object.entries(missing)) console.warn(`csr-writer-corpus: skipping ${writer}: ${why}`);
const isReal = (writer: string): writer is CorpusWriter => (REAL as readonly string[]).includes(writer);
const unavailable = (writer: string) => isReal(writer) && missing[writer] !== undefined;

const dir = tempDir('hallmark-csr-corpus-');
afterAll(() => dir.dispose());
const synthetic = syntheticCsrs();
let corpus: WriterCorpus;
beforeAll(async () => {
  corpus = await buildWriterCorpus(dir.path);
}, 120_000);

function csrOf(writer: string, label: string): Buffer {
  if (isReal(writer)) return corpus.get(writer, label).der;
  const s = synthetic.find((x) => x.writer === writer && x.label === label);
  if (s === undefined) throw new Error(`no synthetic CSR ${writer}/${label}`);
  return s.der;
}

function refusal(der: Buffer, options: ParseCsrOptions): CsrError {
  try {
    parseCsr(der, options);
  } catch (e) {
    expect(e).toBeInstanceOf(CsrError);
    return e as CsrError;
  }
  throw new Error(`expected the CSR to be refused with allow ${JSON.stringify(options.allow)}`);
}

const without = (list: readonly CsrAllowance[], a: CsrAllowance) => list.filter((x) => x !== a);

describe('the corpus covers every writer and every case in the table', () => {
  it('has exactly the CSRs the table lists', () => {
    const available = REAL.filter((w) => missing[w] === undefined);
    const made = [...corpus.entries, ...synthetic].map((e) => `${e.writer}/${e.label}`).sort();
    const listed = [...ACCEPTED, ...REFUSED]
      .filter((r) => !isReal(r.writer) || available.includes(r.writer))
      .map((r) => `${r.writer}/${r.label}`)
      .sort();
    expect(made).toEqual(listed);
    // every allowance is exercised by at least one CSR
    expect(new Set(ACCEPTED.flatMap((r) => r.allowances))).toEqual(new Set(CSR_ALLOWANCE_NAMES));
  });

  it.each(REAL.filter((w) => missing[w] === undefined))('%s reports its version', (writer) => {
    expect(corpus.versions[writer]).toMatch(/\d+\.\d+/);
  });
});

describe.each(ACCEPTED)('$writer/$label', (row) => {
  const skip = unavailable(row.writer);

  it.skipIf(skip)(`is accepted with exactly [${row.allowances.join(', ')}], and that is what it records`, () => {
    const der = csrOf(row.writer, row.label);
    expect(parseCsr(der, { allow: row.allowances }).allowances).toEqual(row.allowances);
    expect(parseCsr(der, { allow: 'all' }).allowances).toEqual(row.allowances);
    if (row.allowances.length === 0) expect(parseCsr(der).allowances).toEqual([]);
  });

  if (row.allowances.length > 0)
    it.skipIf(skip)('is refused, naming the allowance, whenever one it needs is missing', () => {
      const der = csrOf(row.writer, row.label);
      for (const a of row.allowances) {
        for (const allow of [without(CSR_ALLOWANCE_NAMES, a), without(row.allowances, a)]) {
          const e = refusal(der, { allow });
          expect(e.code, `${a} missing from ${JSON.stringify(allow)}`).toBe(CSR_ALLOWANCES[a].refusal);
          expect(e.details).toEqual({ allowance: a });
          expect(e.message).toContain(`csrAllowances: [${a}]`);
        }
      }
      // with none given, refused for one of them (the first the parser meets)
      expect(row.allowances).toContain(refusal(der, {}).details?.['allowance']);
    });

  if (row.facts !== undefined)
    it.skipIf(skip)('carries what the writer was measured to write', () => {
      expect(factsOf(csrOf(row.writer, row.label))).toEqual(row.facts);
    });

  it.skipIf(skip || missing.openssl !== undefined)(`openssl req -verify: ${row.openssl}`, () => {
    expect(opensslReqVerify(dir.path, csrOf(row.writer, row.label))).toBe(row.openssl);
  });
});

describe.each(REFUSED)('$writer/$label', (row) => {
  it(`is refused ${row.refused} whatever the allowances, 'all' included`, () => {
    const der = csrOf(row.writer, row.label);
    for (const allow of [[], 'all', [...CSR_ALLOWANCE_NAMES]] as const) {
      const e = refusal(der, { allow });
      expect(e.code).toBe(row.refused);
      expect(e.details?.['allowance']).toBeUndefined();
    }
  });

  it.skipIf(missing.openssl !== undefined)(`openssl req -verify: ${row.openssl}`, () => {
    expect(opensslReqVerify(dir.path, csrOf(row.writer, row.label))).toBe(row.openssl);
  });
});

describe('hallmark csr inspect --json on real CSRs', () => {
  const cases = [
    ['mbedtls', 'p256'],
    ['wolfssl', 'p256-v2'],
    ['go', 'p256'],
  ] as const;
  it.skipIf(cases.some(([w]) => missing[w] !== undefined))('prints exactly the allowances each needs', async () => {
    const results = await Promise.all(
      cases.map(async ([writer, label]) => {
        const path = join(dir.path, `${writer}-${label}.der`);
        writeFileSync(path, corpus.get(writer, label).der);
        return { writer, label, r: await runCli(['csr', 'inspect', '--json', path], { HALLMARK_HOME: join(dir.path, 'no-home') }) };
      }),
    );
    for (const { writer, label, r } of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const expected = ACCEPTED.find((x) => x.writer === writer && x.label === label)!.allowances;
      const out = JSON.parse(r.stdout) as { allowances: { name: string; deviation: string }[] };
      expect(
        out.allowances.map((a) => a.name),
        `${writer}/${label}`,
      ).toEqual(expected);
      expect(out.allowances.map((a) => a.deviation)).toEqual(expected.map((a) => CSR_ALLOWANCES[a].deviation));
    }
  });
});

// ---- reading the measured facts ----------------------------------------------------

const STRING_TYPES: Record<number, string> = {
  0x0c: 'UTF8String',
  0x12: 'NumericString',
  0x13: 'PrintableString',
  0x14: 'TeletexString',
  0x16: 'IA5String',
  0x1a: 'VisibleString',
  0x1e: 'BMPString',
};
const NAME_ATTRIBUTES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.10': 'O' };

function factsOf(der: Buffer): Facts {
  const root = parseDer(der, { maxDepth: 12 });
  const [info, algId] = root.children as [DerNode, DerNode];
  const [version, subject, , attrs] = info.children as [DerNode, DerNode, DerNode, DerNode | undefined];
  const [oid, params] = algId.children as [DerNode, DerNode | undefined];
  const attributes = attrs?.children ?? [];
  const byName = (a: DerNode) => CSR_OID_NAMES[a.children[0]!.oid()] ?? a.children[0]!.oid();
  const challenge = attributes.find((a) => byName(a) === 'challengePassword');
  const extensionRequest = attributes.find((a) => byName(a) === 'extensionRequest');
  const extensions = extensionRequest?.children[1]!.children[0]!.children ?? [];
  return {
    version: version.content()[0]!,
    signature: signatureAlgorithmName(oid.oid()),
    parameters:
      params === undefined
        ? 'absent'
        : params.id === 0x05
          ? 'NULL'
          : (() => {
              throw new Error('unexpected parameters');
            })(),
    subject: subject.children.flatMap((rdn) =>
      rdn.children.map(
        (atv) => `${NAME_ATTRIBUTES[atv.children[0]!.oid()] ?? atv.children[0]!.oid()}:${STRING_TYPES[atv.children[1]!.id] ?? atv.children[1]!.id}`,
      ),
    ),
    attributes: attributes.map(byName),
    attributesSorted: attributes.every((a, i) => i === 0 || derSetOrder(attributes[i - 1]!.raw(), a.raw()) <= 0),
    challengePassword: challenge ? STRING_TYPES[challenge.children[1]!.children[0]!.id]! : null,
    extensions: extensions.map((e) => `${CSR_OID_NAMES[e.children[0]!.oid()]}${e.children.length === 3 ? ' critical' : ''}`),
  };
}

/** X.690 11.6: SET OF components in ascending order as octet strings, the shorter padded with 0x00 at its end. */
function derSetOrder(a: Buffer, b: Buffer): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
