import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsrError } from '../../main/x509/csr/csr-errors.js';
import { parseCsr, type ParseCsrOptions } from '../../main/x509/csr/parse-csr.js';
import {
  buildCsr,
  der,
  extensionRequest,
  name,
  nextPrime,
  OIDS,
  opensslCsr,
  opensslKey,
  opensslSubject,
  opensslVerifies,
  randomPrime,
  rsaKeyFromPrimes,
  sigAlg,
  signerFor,
  toPem,
  type FixtureKey,
} from '../support/csr-fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('hallmark-csr-');
afterAll(() => dir.dispose());

const keys = {} as Record<FixtureKey, string>;
beforeAll(() => {
  for (const k of ['p256', 'p384', 'ed25519', 'rsa2048', 'rsa3072', 'rsa4096', 'rsa1024', 'p521', 'secp256k1'] as const) {
    keys[k] = opensslKey(dir.path, k);
  }
}, 120_000);

function refusal(input: Buffer | string, options?: ParseCsrOptions): CsrError {
  try {
    parseCsr(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(CsrError);
    return e as CsrError;
  }
  throw new Error('expected the CSR to be refused');
}

/** The SPKI openssl extracts from a CSR, hashed the way ParsedCsr.publicKey.spkiSha256 is. */
function opensslSpkiSha256(csrPath: string): string {
  const pub = execFileSync('openssl', ['req', '-in', csrPath, '-noout', '-pubkey']);
  const spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
  return createHash('sha256').update(spki).digest('hex');
}

function p256(): { privateKey: KeyObject; spki: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}

describe('CSRs made by openssl', () => {
  const cases: [FixtureKey, string, Record<string, unknown>][] = [
    ['p256', '1.2.840.10045.4.3.2', { family: 'ec', algorithm: 'ecdsa-p256', curve: 'P-256' }],
    ['p384', '1.2.840.10045.4.3.2', { family: 'ec', algorithm: 'ecdsa-p384', curve: 'P-384' }],
    ['ed25519', '1.3.101.112', { family: 'ed25519', algorithm: 'ed25519' }],
    ['rsa2048', '1.2.840.113549.1.1.11', { family: 'rsa', algorithm: 'rsa-2048', modulusBits: 2048, publicExponent: 65537 }],
    ['rsa3072', '1.2.840.113549.1.1.11', { family: 'rsa', algorithm: 'rsa-3072', modulusBits: 3072 }],
    ['rsa4096', '1.2.840.113549.1.1.11', { family: 'rsa', algorithm: 'rsa-4096', modulusBits: 4096 }],
  ];

  it.each(cases)('%s: every field matches what openssl says', (key, sigOid, keyInfo) => {
    const csr = opensslCsr(dir.path, {
      keyPath: keys[key],
      subject: '/C=DE/O=Acme, Inc./OU=Line 1/CN=dev-0042',
      addext: ['subjectAltName=DNS:dev-0042.example,IP:192.0.2.7', 'keyUsage=critical,digitalSignature'],
      challengePassword: 'nonce-8f3a1c',
    });
    for (const input of [csr.pem, csr.der, Buffer.from(csr.pem)]) {
      const parsed = parseCsr(input);
      expect(parsed.der.equals(csr.der)).toBe(true);
      expect(parsed.subject).toBe(opensslSubject(csr.path));
      expect(parsed.subject).toBe('CN=dev-0042,OU=Line 1,O=Acme\\, Inc.,C=DE');
      expect(parsed.publicKey).toMatchObject(keyInfo);
      expect(parsed.publicKey.spkiSha256).toBe(opensslSpkiSha256(csr.path));
      expect(parsed.challengePassword).toBe('nonce-8f3a1c');
      expect(parsed.attributes.map((a) => a.oid)).toEqual([OIDS.challengePassword, OIDS.extensionRequest]);
      expect(parsed.requestedExtensions.map((e) => [e.oid, e.critical])).toEqual([
        [OIDS.subjectAltName, false],
        [OIDS.keyUsage, true],
      ]);
      expect(parsed.requestedExtensions[1]!.value.toString('hex')).toBe('03020780');
      expect(parsed.signatureAlgorithm).toBe(sigOid);
      expect(parsed.subjectDer[0]).toBe(0x30);
    }
    expect(opensslVerifies(dir.path, csr.der)).toBe(true);
  });

  it.each([
    ['p256', 'sha384', '1.2.840.10045.4.3.3'],
    ['p384', 'sha512', '1.2.840.10045.4.3.4'],
    ['rsa2048', 'sha384', '1.2.840.113549.1.1.12'],
    ['rsa2048', 'sha512', '1.2.840.113549.1.1.13'],
  ] as const)('%s signed with %s', (key, digest, oid) => {
    const csr = opensslCsr(dir.path, { keyPath: keys[key], digest });
    expect(parseCsr(csr.pem).signatureAlgorithm).toBe(oid);
  });

  it('has no challengePassword or extensions when none were asked for', () => {
    const parsed = parseCsr(opensslCsr(dir.path, { keyPath: keys.p256 }).pem);
    expect(parsed.challengePassword).toBeNull();
    expect(parsed.attributes).toEqual([]);
    expect(parsed.requestedExtensions).toEqual([]);
  });

  it('escapes subjects exactly as RFC 4514 and openssl do', () => {
    const csr = opensslCsr(dir.path, { keyPath: keys.p256, subject: '/C=DE/O=Acme, Inc./OU=R&D <lab>/CN=#dev "1"; x\\+y\\\\z ' });
    const parsed = parseCsr(csr.pem);
    expect(parsed.subject).toBe(opensslSubject(csr.path));
    expect(parsed.subject).toBe('CN=\\#dev \\"1\\"\\; x\\+y\\\\z\\ ,OU=R&D \\<lab\\>,O=Acme\\, Inc.,C=DE');
  });

  it('writes multi-valued RDNs in encoded order (openssl reverses them; RFC 4514 does not care)', () => {
    const csr = opensslCsr(dir.path, { keyPath: keys.p256, subject: '/CN=dev+serialNumber=123/O=Acme', multivalueRdn: true });
    expect(opensslSubject(csr.path)).toBe('O=Acme,serialNumber=123+CN=dev');
    expect(parseCsr(csr.pem).subject).toBe('O=Acme,CN=dev+serialNumber=123');
  });

  it('shows UTF-8 as text where openssl escapes it, and emailAddress by name', () => {
    const csr = opensslCsr(dir.path, { keyPath: keys.p256, subject: '/CN=Gerät 7/emailAddress=ops@example.com', utf8: true });
    expect(opensslSubject(csr.path)).toBe('emailAddress=ops@example.com,CN=Ger\\C3\\A4t 7');
    expect(parseCsr(csr.pem).subject).toBe('emailAddress=ops@example.com,CN=Gerät 7');
  });
});

/**
 * @peculiar/x509 needs a Reflect metadata polyfill (tsyringe) and reflect-metadata is not
 * installed; this minimal one covers what tsyringe reads, and runs before the import.
 */
function installReflectMetadataShim(): void {
  const r = Reflect as unknown as Record<string, unknown>;
  if (typeof r.getMetadata === 'function') return;
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const bag = (t: object) => store.get(t) ?? (store.set(t, new Map()), store.get(t)!);
  r.defineMetadata = (k: unknown, v: unknown, t: object) => void bag(t).set(k, v);
  r.getMetadata = (k: unknown, t: object): unknown => {
    for (let o: object | null = t; o; o = Object.getPrototypeOf(o) as object | null) if (bag(o).has(k)) return bag(o).get(k);
    return undefined;
  };
  r.getOwnMetadata = (k: unknown, t: object) => bag(t).get(k);
  r.hasMetadata = (k: unknown, t: object) => (r.getMetadata as (k: unknown, t: object) => unknown)(k, t) !== undefined;
  r.metadata = (k: unknown, v: unknown) => (t: object) => void bag(t).set(k, v);
}

describe('CSRs made by @peculiar/x509', () => {
  let x509: typeof import('@peculiar/x509');
  beforeAll(async () => {
    installReflectMetadataShim();
    x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  });

  it.each([
    ['P-256', { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }, 'ecdsa-p256'],
    ['P-384', { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' }, 'ecdsa-p384'],
    ['RSA-2048', { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, 'rsa-2048'],
  ] as const)('%s with a SAN and a challengePassword', async (_n, alg, algorithm) => {
    const keyPair = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
    const req = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=dev-7, O=Acme',
      keys: keyPair,
      signingAlgorithm: alg,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'dev-7.example' }])],
      attributes: [new x509.ChallengePasswordAttribute('n0nce')],
    });
    const derBytes = Buffer.from(req.rawData);
    const parsed = parseCsr(req.toString('pem'));
    expect(parsed.der.equals(derBytes)).toBe(true);
    expect(parsed.subject).toBe('O=Acme,CN=dev-7');
    expect(parsed.publicKey.algorithm).toBe(algorithm);
    expect(parsed.challengePassword).toBe('n0nce');
    expect(parsed.requestedExtensions.map((e) => e.oid)).toEqual([OIDS.subjectAltName]);
    expect(opensslVerifies(dir.path, derBytes)).toBe(true);
  });
});

describe('hand-built CSRs', () => {
  it('accepts a well-formed one, and openssl agrees', () => {
    const k = p256();
    const csr = buildCsr({
      subject: name([OIDS.cn, der.bmp('dev-Ω')], ['2.5.4.10', der.printable('Acme & Co*')], ['1.2.840.113549.1.9.1', der.ia5('a@b.c')]),
      spki: k.spki,
      attributes: [
        der.seq(der.oid(OIDS.challengePassword), der.set(der.utf8('nonce'))),
        der.seq(der.oid('1.2.840.113549.1.9.2'), der.set(der.ia5('unstructured'))),
        extensionRequest({ oid: OIDS.subjectAltName, value: der.seq(der.tlv(0x82, Buffer.from('d.example'))) }),
      ],
      sigAlg: sigAlg.ecdsaSha256(),
      sign: signerFor(k.privateKey),
    });
    const parsed = parseCsr(csr);
    expect(parsed.subject).toBe('emailAddress=a@b.c,O=Acme & Co*,CN=dev-Ω');
    expect(parsed.attributes.map((a) => a.oid)).toEqual([OIDS.challengePassword, '1.2.840.113549.1.9.2', OIDS.extensionRequest]);
    expect(parsed.attributes[1]!.values[0]!.toString('hex')).toBe(der.ia5('unstructured').toString('hex'));
    expect(opensslVerifies(dir.path, csr)).toBe(true);
  });

  it('writes unknown attribute types as OID=#hex and escapes control characters', () => {
    const k = p256();
    const csr = buildCsr({
      subject: name(['1.3.6.1.4.1.99999.1', der.utf8('x')], [OIDS.cn, der.utf8('a\nb\u202e')]),
      spki: k.spki,
      sigAlg: sigAlg.ecdsaSha256(),
      sign: signerFor(k.privateKey),
    });
    expect(parseCsr(csr).subject).toBe('CN=a\\0Ab\\E2\\80\\AE,1.3.6.1.4.1.99999.1=#0c0178');
  });

  it('accepts an empty subject', () => {
    const k = p256();
    const csr = buildCsr({ subject: der.seq(), spki: k.spki, sigAlg: sigAlg.ecdsaSha256(), sign: signerFor(k.privateKey) });
    expect(parseCsr(csr).subject).toBe('');
  });
});

describe('refused: size, armor and base64', () => {
  const good = () => opensslCsr(dir.path, { keyPath: keys.p256 });

  it('refuses input over 16 KiB before parsing', () => {
    const { pem } = good();
    const big = pem + ' '.repeat(17 * 1024);
    expect(refusal(big).code).toBe('CSR_TOO_LARGE');
    expect(refusal(Buffer.alloc(17 * 1024, 0x30)).code).toBe('CSR_TOO_LARGE');
  });

  it('tolerates whitespace, CRLF and the NEW label', () => {
    const { pem, der: d } = good();
    const body = d.toString('base64').replace(/.{1,20}/g, '$& \t\r\n');
    expect(parseCsr(`\n\n  ${pem.replace(/\n/g, '\r\n')}  \n`).der.equals(d)).toBe(true);
    expect(parseCsr(`-----BEGIN NEW CERTIFICATE REQUEST-----\n${body}-----END NEW CERTIFICATE REQUEST-----`).der.equals(d)).toBe(true);
  });

  it.each([
    ['text before the block', (p: string) => `hello\n${p}`],
    ['text after the block', (p: string) => `${p}trailing`],
    ['two blocks', (p: string) => p + p],
    ['a mismatched END label', (p: string) => p.replace('END CERTIFICATE REQUEST', 'END NEW CERTIFICATE REQUEST')],
    ['no END line', (p: string) => p.replace(/-----END[^]*$/, '')],
    ['neither DER nor PEM', () => 'just some text'],
    ['a lowercase label', (p: string) => p.replace(/CERTIFICATE REQUEST/g, 'certificate request')],
  ])('refuses %s as CSR_PEM_ARMOR', (_what, edit) => {
    expect(refusal(edit(good().pem)).code).toBe('CSR_PEM_ARMOR');
  });

  const armor = (body: string) => `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;

  it.each([
    ['a character outside the alphabet', (b: string) => `${b.slice(0, 10)}_${b.slice(11)}`],
    ['URL-safe base64', (b: string) => `${b.slice(0, 10)}-${b.slice(11)}`],
    ['data after padding', (b: string) => `${b.replace(/=+$/, '')}=AAA`],
    ['a length that is not a multiple of 4', (b: string) => b.replace(/=+$/, '').slice(0, -1)],
    ['three padding characters', (b: string) => `${b.replace(/=+$/, '').slice(0, -1)}===`],
    ['headers', (b: string) => `Proc-Type: 4,ENCRYPTED\n\n${b}`],
  ])('refuses %s as CSR_BASE64', (_what, edit) => {
    expect(refusal(armor(edit(good().der.toString('base64')))).code).toBe('CSR_BASE64');
  });

  it('refuses non-canonical final base64 bits', () => {
    // a DER length not divisible by 3 leaves pad bits in the last character; set one
    let d = good().der;
    while (d.length % 3 === 0) d = Buffer.concat([d, Buffer.from([0])]); // (refused later anyway)
    const b64 = d.toString('base64');
    const data = b64.replace(/=+$/, '');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(data[data.length - 1]!);
    const tweaked = data.slice(0, -1) + alphabet[last | 1] + b64.slice(data.length);
    const e = refusal(`-----BEGIN CERTIFICATE REQUEST-----\n${tweaked}\n-----END CERTIFICATE REQUEST-----\n`);
    expect(e.code).toBe('CSR_BASE64');
    expect(e.message).toMatch(/non-canonical/);
  });

  it('refuses empty input', () => {
    expect(refusal('').code).toBe('CSR_EMPTY');
    expect(refusal(' \n ').code).toBe('CSR_EMPTY');
    expect(refusal('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----').code).toBe('CSR_BASE64');
  });
});

describe('refused: DER framing', () => {
  let d: Buffer;
  beforeAll(() => {
    d = opensslCsr(dir.path, { keyPath: keys.p256, challengePassword: 'x1', addext: ['subjectAltName=DNS:a.example'] }).der;
    expect(d[1]! & 0x80).toBe(0x80); // outer length in the long form
  });
  const lengthBytes = () => d[1]! & 0x7f;

  it('indefinite length', () => {
    const bad = Buffer.from(d);
    bad[1] = 0x80;
    expect(refusal(bad).code).toBe('CSR_DER_INDEFINITE_LENGTH');
  });

  it('non-minimal length', () => {
    const n = lengthBytes();
    const bad = Buffer.concat([Buffer.from([0x30, 0x80 | (n + 1), 0x00]), d.subarray(2)]);
    const e = refusal(bad);
    expect(e.code).toBe('CSR_DER_NON_MINIMAL');
    expect(e.message).toContain('offset 0');
  });

  it('trailing bytes', () => {
    expect(refusal(Buffer.concat([d, Buffer.from([0x00])])).code).toBe('CSR_DER_TRAILING_BYTES');
    expect(refusal(toPem(Buffer.concat([d, Buffer.from('junk')]))).code).toBe('CSR_DER_TRAILING_BYTES');
  });

  it('wrong lengths and every truncation', () => {
    const longer = Buffer.from(d);
    longer[1 + lengthBytes()]! += 1;
    expect(refusal(longer).code).toBe('CSR_DER_LENGTH');
    for (let n = 1; n < d.length; n++) expect(refusal(d.subarray(0, n)).code).toMatch(/^CSR_DER_(LENGTH|TRAILING_BYTES)$/);
  });

  it('nesting deeper than a CSR needs', () => {
    const k = p256();
    let deep = der.null();
    for (let i = 0; i < 12; i++) deep = der.seq(deep);
    const csr = buildCsr({ spki: k.spki, attributes: [der.seq(der.oid('1.2.3.4'), der.set(deep))], sigAlg: sigAlg.ecdsaSha256() });
    expect(refusal(csr).code).toBe('CSR_DER_TOO_DEEP');
  });

  it('non-DER inside an extension value', () => {
    const k = p256();
    const csr = buildCsr({
      spki: k.spki,
      attributes: [extensionRequest({ oid: OIDS.subjectAltName, value: Buffer.from('3080820161', 'hex') })],
      sigAlg: sigAlg.ecdsaSha256(),
      sign: signerFor(k.privateKey),
    });
    const e = refusal(csr);
    expect(e.code).toBe('CSR_DER_INDEFINITE_LENGTH');
    expect(e.message).toContain('2.5.29.17');
  });
});

describe('refused: not a CSR', () => {
  it('a certificate, as PEM and as DER', () => {
    const cert = opensslCsr(dir.path, { keyPath: keys.p256, x509: true });
    const pemError = refusal(cert.pem);
    expect(pemError.code).toBe('CSR_NOT_A_CSR');
    expect(pemError.message).toContain('certificate');
    const derError = refusal(cert.der);
    expect(derError.code).toBe('CSR_NOT_A_CSR');
    expect(derError.message).toBe('input is a certificate, not a certificate request');
  });

  it('a CRL', () => {
    const crl = der.seq(
      der.seq(der.int(1), der.seq(der.oid(OIDS.ecdsaSha256)), name([OIDS.cn, der.utf8('CA')]), der.tlv(0x17, Buffer.from('250101000000Z'))),
      der.seq(der.oid(OIDS.ecdsaSha256)),
      der.bits(Buffer.alloc(8)),
    );
    expect(refusal(crl).message).toContain('a CRL');
    expect(refusal(toPem(crl, 'X509 CRL')).message).toContain('a CRL');
  });

  it('a private key or a bare public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(refusal(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).message).toContain('private key');
    expect(refusal(privateKey.export({ type: 'pkcs8', format: 'der' })).message).toContain('private key');
    expect(refusal(publicKey.export({ type: 'spki', format: 'der' })).message).toContain('public key');
  });
});

describe('refused: structure, version, strings, duplicates', () => {
  const signed = (parts: Partial<Parameters<typeof buildCsr>[0]>) => {
    const k = p256();
    return buildCsr({ spki: k.spki, sigAlg: sigAlg.ecdsaSha256(), sign: signerFor(k.privateKey), ...parts });
  };

  it('version other than 0', () => {
    const e = refusal(signed({ version: 1 }));
    expect(e.code).toBe('CSR_VERSION');
  });

  it('missing attributes [0]', () => {
    const k = p256();
    const info = der.seq(der.int(0), name([OIDS.cn, der.utf8('d')]), k.spki);
    const csr = der.seq(info, sigAlg.ecdsaSha256(), der.bits(signerFor(k.privateKey)(info)));
    expect(refusal(csr).code).toBe('CSR_ATTRIBUTES_ABSENT');
    expect(refusal(csr).details).toEqual({ allowance: 'attributes-absent' });
    expect(parseCsr(csr, { allow: ['attributes-absent'] }).allowances).toEqual(['attributes-absent']);
  });

  it.each([
    ['TeletexString', der.tlv(0x14, Buffer.from('dev'))],
    ['PrintableString with @', der.printable('a@b')],
    ['invalid UTF-8', der.tlv(0x0c, Buffer.from([0x64, 0xc3, 0x28]))],
    ['NUL inside a name', der.utf8('good.example\u0000.evil')],
    ['BMPString with a surrogate', der.tlv(0x1e, Buffer.from([0xd8, 0x00, 0xdc, 0x00]))],
    ['odd-length BMPString', der.tlv(0x1e, Buffer.from([0x00, 0x41, 0x00]))],
  ])('subject with %s', (_what, value) => {
    expect(refusal(signed({ subject: name([OIDS.cn, value]) })).code).toBe('CSR_STRING_ENCODING');
  });

  it('duplicate attributes', () => {
    const cp = der.seq(der.oid(OIDS.challengePassword), der.set(der.utf8('a')));
    const e = refusal(signed({ attributes: [cp, cp] }));
    expect(e.code).toBe('CSR_DUPLICATE_ATTRIBUTE');
    expect(e.message).toContain(OIDS.challengePassword);
  });

  it('duplicate extensions', () => {
    const san = { oid: OIDS.subjectAltName, value: der.seq(der.tlv(0x82, Buffer.from('a.example'))) };
    const e = refusal(signed({ attributes: [extensionRequest(san, { ...san, critical: true })] }));
    expect(e.code).toBe('CSR_DUPLICATE_EXTENSION');
    expect(e.message).toContain(OIDS.subjectAltName);
  });

  it('critical FALSE written out', () => {
    const ext = der.seq(der.oid(OIDS.keyUsage), der.bool(false), der.octets(Buffer.from('03020780', 'hex')));
    const attr = der.seq(der.oid(OIDS.extensionRequest), der.set(der.seq(ext)));
    expect(refusal(signed({ attributes: [attr] })).message).toMatch(/critical FALSE/);
  });

  it('challengePassword with two values, or empty', () => {
    expect(refusal(signed({ attributes: [der.seq(der.oid(OIDS.challengePassword), der.set(der.utf8('a'), der.utf8('b')))] })).code).toBe('CSR_STRUCTURE');
    expect(refusal(signed({ attributes: [der.seq(der.oid(OIDS.challengePassword), der.set(der.utf8('')))] })).code).toBe('CSR_STRUCTURE');
  });
});

describe('refused: keys', () => {
  it.each([
    ['rsa1024', 'CSR_KEY_RSA_TOO_SMALL'],
    ['p521', 'CSR_KEY_CURVE_UNSUPPORTED'],
    ['secp256k1', 'CSR_KEY_CURVE_UNSUPPORTED'],
  ] as const)('%s', (key, code) => {
    const csr = opensslCsr(dir.path, { keyPath: keys[key] });
    expect(opensslVerifies(dir.path, csr.der)).toBe(true);
    expect(refusal(csr.pem).code).toBe(code);
  });

  it('RSA with e=3', () => {
    const keyPath = `${dir.path}/rsa-e3.pem`;
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_pubexp:3', '-out', keyPath]);
    const e = refusal(opensslCsr(dir.path, { keyPath }).pem);
    expect(e.code).toBe('CSR_KEY_RSA_EXPONENT');
    expect(e.message).toContain('65537');
  });

  it('RSA with a small factor, validly signed', () => {
    const q = randomPrime(2038);
    const small = nextPrime((1n << 2047n) / q + 1n);
    const k = rsaKeyFromPrimes(small, q);
    const csr = buildCsr({ spki: k.spki, sigAlg: sigAlg.sha256Rsa(), sign: signerFor(k.privateKey) });
    expect(opensslVerifies(dir.path, csr)).toBe(true);
    const e = refusal(csr);
    expect(e.code).toBe('CSR_KEY_RSA_SMALL_FACTOR');
    expect(e.message).toContain(String(small));
  });

  it('RSA with primes close together, validly signed', () => {
    const p = randomPrime(1024);
    const k = rsaKeyFromPrimes(p, nextPrime(p + (1n << 510n)));
    const csr = buildCsr({ spki: k.spki, sigAlg: sigAlg.sha256Rsa(), sign: signerFor(k.privateKey) });
    expect(opensslVerifies(dir.path, csr)).toBe(true);
    expect(refusal(csr).code).toBe('CSR_KEY_RSA_FERMAT');
  });

  it('an EC point off the curve is reported as such, before the (necessarily invalid) signature', () => {
    const k = p256();
    const spki = Buffer.from(k.spki);
    spki[spki.length - 1]! ^= 0x01;
    const csr = buildCsr({ spki, sigAlg: sigAlg.ecdsaSha256(), sign: signerFor(k.privateKey) });
    expect(refusal(csr).code).toBe('CSR_KEY_EC_POINT_INVALID');
  });
});

describe('refused: signatures', () => {
  it('SHA-1 and MD5 as weak', () => {
    expect(refusal(opensslCsr(dir.path, { keyPath: keys.p256, digest: 'sha1' }).pem).code).toBe('CSR_SIGNATURE_WEAK');
    expect(refusal(opensslCsr(dir.path, { keyPath: keys.rsa2048, digest: 'sha1' }).pem).message).toContain('sha1WithRSAEncryption');
    expect(refusal(opensslCsr(dir.path, { keyPath: keys.rsa2048, digest: 'md5' }).pem).code).toBe('CSR_SIGNATURE_WEAK');
  });

  it('RSASSA-PSS as unsupported', () => {
    const keyPath = keys.rsa2048;
    const path = `${dir.path}/pss.pem`;
    execFileSync('openssl', ['req', '-new', '-key', keyPath, '-subj', '/CN=pss', '-sigopt', 'rsa_padding_mode:pss', '-out', path]);
    const pem = execFileSync('cat', [path]).toString();
    expect(refusal(pem).code).toBe('CSR_SIGNATURE_ALGORITHM_UNSUPPORTED');
  });

  it('a signature algorithm of the wrong family', () => {
    const k = p256();
    const csr = buildCsr({ spki: k.spki, sigAlg: sigAlg.sha256Rsa(), sign: signerFor(k.privateKey) });
    expect(refusal(csr).code).toBe('CSR_SIGNATURE_ALGORITHM_MISMATCH');
  });

  it('ECDSA with NULL parameters only under the ecdsa-null-parameters allowance, and recorded', () => {
    const k = p256();
    const csr = buildCsr({ spki: k.spki, sigAlg: sigAlg.ecdsaSha256Null(), sign: signerFor(k.privateKey) });
    expect(refusal(csr).code).toBe('CSR_SIGNATURE_ALGORITHM_PARAMETERS');
    expect(refusal(csr).message).toContain('csrAllowances: [ecdsa-null-parameters]');
    const accepted = parseCsr(csr, { allow: ['ecdsa-null-parameters'] });
    expect(accepted.signatureAlgorithm).toBe(OIDS.ecdsaSha256);
    expect(accepted.allowances).toEqual(['ecdsa-null-parameters']);
    // Ed25519 never takes parameters, option or not
    const ed = generateKeyPairSync('ed25519');
    const edCsr = buildCsr({
      spki: ed.publicKey.export({ type: 'spki', format: 'der' }),
      sigAlg: der.seq(der.oid(OIDS.ed25519), der.null()),
      sign: signerFor(ed.privateKey),
    });
    expect(refusal(edCsr, { allow: 'all' }).code).toBe('CSR_SIGNATURE_ALGORITHM_PARAMETERS');
  });

  it('RSA with absent parameters is accepted (RFC 4055)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = buildCsr({
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      sigAlg: der.seq(der.oid(OIDS.sha256Rsa)),
      sign: signerFor(privateKey),
    });
    expect(parseCsr(csr).publicKey.algorithm).toBe('rsa-2048');
  });

  it('a changed subject byte', () => {
    const csr = opensslCsr(dir.path, { keyPath: keys.p256, subject: '/CN=dev-1' });
    const bad = Buffer.from(csr.der);
    const at = bad.indexOf(Buffer.from('dev-1'));
    bad[at + 4] = 0x32;
    expect(refusal(bad).code).toBe('CSR_SIGNATURE_INVALID');
  });

  it.each(['p256', 'ed25519', 'rsa2048'] as const)('a changed signature byte (%s)', (key) => {
    const csr = opensslCsr(dir.path, { keyPath: keys[key] });
    const bad = Buffer.from(csr.der);
    bad[bad.length - 3]! ^= 0x04;
    expect(refusal(bad).code).toBe('CSR_SIGNATURE_INVALID');
  });

  it('an Ecdsa-Sig-Value that is not strict DER or out of range', () => {
    const k = p256();
    const { P256 } = { P256: { n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n } };
    const cases: [Buffer, RegExp][] = [
      [der.seq(der.int(0), der.int(1)), /r is not/],
      [der.seq(der.tlv(0x02, Buffer.from([0x80, 0x01])), der.int(1)), /negative/],
      [der.seq(der.int(1), der.int(P256.n)), /s is not/],
      [der.seq(der.int(1), der.int(1), der.int(1)), /SEQUENCE/],
      [Buffer.concat([der.seq(der.int(1), der.int(1)), Buffer.from([0])]), /strict DER/],
    ];
    for (const [sig, message] of cases) {
      const csr = buildCsr({ spki: k.spki, sigAlg: sigAlg.ecdsaSha256(), sign: () => sig });
      const e = refusal(csr);
      expect(e.code).toBe('CSR_SIGNATURE_INVALID');
      expect(e.message).toMatch(message);
    }
    // A padded INTEGER is its own refusal, named; under the allowance, the value must still verify.
    const padded = buildCsr({ spki: k.spki, sigAlg: sigAlg.ecdsaSha256(), sign: () => der.seq(der.tlv(0x02, Buffer.from([0x00, 0x01])), der.int(1)) });
    expect(refusal(padded)).toMatchObject({ code: 'CSR_SIGNATURE_NOT_MINIMAL', details: { allowance: 'ecdsa-signature-padded' } });
    expect(refusal(padded, { allow: ['ecdsa-signature-padded'] }).code).toBe('CSR_SIGNATURE_INVALID');
  });
});

describe('the checked bytes are ours', () => {
  it('a caller changing its buffer afterwards does not change the result', () => {
    const csr = opensslCsr(dir.path, { keyPath: keys.p256, subject: '/CN=dev-9' });
    const mine = Buffer.from(csr.der);
    const parsed = parseCsr(mine);
    mine.fill(0);
    expect(parsed.der.equals(csr.der)).toBe(true);
    expect(parsed.subjectDer.includes(Buffer.from('dev-9'))).toBe(true);
  });
});
