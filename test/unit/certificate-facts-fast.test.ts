import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALGORITHM_INFO, KEY_ALGORITHMS, type KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import { KeyObjectSigningKey } from '../../main/keys/software/key-object-signing-key.js';
import { parseCertificate, parseTbs } from '../../main/x509/certificate-facts.js';
import { parseCertificateFast, parseTbsFast, readCertificateFast, readTbsFast } from '../../main/x509/certificate-facts-fast.js';
import type { CertificateTemplate } from '../../main/x509/certificate-template.js';
import {
  bitString,
  boolean,
  contextTag,
  ia5String,
  octetString,
  oid,
  printableString,
  sequence,
  setOf,
  smallInteger,
  tlv,
  unsignedInteger,
  utf8String,
} from '../../main/x509/der/der-writer.js';
import { encodeName, parseSubject } from '../../main/x509/distinguished-name.js';
import { basicConstraints } from '../../main/x509/extensions/basic-constraints.js';
import { extendedKeyUsage } from '../../main/x509/extensions/extended-key-usage.js';
import type { Extension } from '../../main/x509/extensions/extension.js';
import { authorityKeyIdentifier, keyIdentifier, subjectKeyIdentifier } from '../../main/x509/extensions/key-identifier.js';
import { keyUsage } from '../../main/x509/extensions/key-usage.js';
import { nameConstraints } from '../../main/x509/extensions/name-constraints.js';
import { masaUrl, subjectAltName } from '../../main/x509/extensions/subject-alt-name.js';
import { OID } from '../../main/x509/oids.js';
import { crlSignerExtensions, intermediateCaExtensions, manifestSignerExtensions, rootCaExtensions } from '../../main/x509/profiles/ca-profiles.js';
import { HW_TYPE_TPM2, idevidExtensions } from '../../main/x509/profiles/idevid-profile.js';
import { signCertificate } from '../../main/x509/sign-certificate.js';
import { signatureAlgorithmFor } from '../../main/x509/signature-algorithm.js';
import { encodeTbsCertificate } from '../../main/x509/tbs-certificate.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../../main/x509/validity.js';
import { expectSameFacts, outcome } from '../support/facts-equality.js';

const generate = promisify(generateKeyPair);
const DAY = 86_400_000;
const t0 = new Date(Date.UTC(2026, 0, 1));

async function keyPair(alg: KeyAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  const info = KEY_ALGORITHM_INFO[alg];
  if (info.family === 'ec') return generate('ec', { namedCurve: info.curve! });
  if (info.family === 'ed25519') return generate('ed25519');
  return generate('rsa', { modulusLength: info.modulusBits!, publicExponent: 0x10001 });
}

const keys = new Map<KeyAlgorithm, KeyObjectSigningKey>();
beforeAll(async () => {
  await Promise.all(
    KEY_ALGORITHMS.map(async (alg) => {
      const pair = await keyPair(alg);
      keys.set(alg, new KeyObjectSigningKey(alg, alg, pair.privateKey, pair.publicKey.export({ type: 'spki', format: 'der' })));
    }),
  );
}, 60_000);
const signer = (alg: KeyAlgorithm) => keys.get(alg)!;

/** Both readers, on the TBS and on the whole certificate: the fast one must cover it and agree. */
function expectFastAgrees(der: Buffer): void {
  const fast = readCertificateFast(der);
  expect(fast, 'the fast reader covers this certificate').not.toBeNull();
  const slow = parseCertificate(der);
  expectSameFacts(fast, slow);
  expectSameFacts(readTbsFast(slow.tbsDer), parseTbs(slow.tbsDer));
}

/** A TBS from a template (no signature needed): both readers must agree on it. */
function tbsOf(template: Partial<CertificateTemplate>, signatureAlgorithm: KeyAlgorithm = 'ecdsa-p256'): Buffer {
  const leaf = signer('ecdsa-p256').spki;
  return encodeTbsCertificate(
    {
      profile: 'idevid',
      serial: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'),
      issuerName: encodeName(parseSubject('C=DE,O=Acme,CN=Issuer')),
      subjectName: encodeName(parseSubject('O=Acme,CN=dev-1,serialNumber=D1')),
      notBefore: t0,
      notAfter: new Date(t0.getTime() + 400 * DAY),
      subjectSpki: leaf,
      extensions: [basicConstraints(false), keyUsage(['digitalSignature'])],
      ...template,
    },
    signatureAlgorithmFor(signatureAlgorithm).der,
  );
}

function expectTbsAgrees(tbs: Buffer): void {
  const fast = readTbsFast(tbs);
  expect(fast, 'the fast reader covers this TBS').not.toBeNull();
  expectSameFacts(fast, parseTbs(tbs));
}

describe.each(KEY_ALGORITHMS)('every profile with %s keys', (alg) => {
  it('root → intermediate (name and EKU constraints) → IDevID, manifest signer, CRL signer: the readers agree', async () => {
    const key = signer(alg);
    const rootName = encodeName(parseSubject('C=DE,O=Acme Devices GmbH,CN=Acme Root'));
    const root = await signCertificate({
      template: {
        profile: 'root',
        serial: Buffer.alloc(16, 0x31),
        issuerName: rootName,
        subjectName: rootName,
        notBefore: t0,
        notAfter: new Date(t0.getTime() + 20 * 365 * DAY),
        subjectSpki: key.spki,
        extensions: rootCaExtensions(key.spki, 2),
      },
      signer: key,
      issuer: null,
    });
    expectFastAgrees(root.certificate.der);

    const caKey = signer(alg === 'ecdsa-p256' ? 'ecdsa-p384' : 'ecdsa-p256');
    const ca = await signCertificate({
      template: {
        profile: 'intermediate',
        serial: Buffer.alloc(16, 0x32),
        issuerName: rootName,
        subjectName: encodeName(parseSubject('C=DE,O=Acme Devices GmbH,OU=Werk Köln,CN=Acme Mfg CA')),
        notBefore: t0,
        notAfter: new Date(t0.getTime() + 5 * 365 * DAY),
        subjectSpki: caKey.spki,
        extensions: intermediateCaExtensions(caKey.spki, key.spki, {
          pathLen: 1,
          nameConstraints: {
            permitted: { dns: ['devices.acme.example', '.acme.example'], directoryNames: [parseSubject('C=DE,O=Acme Devices GmbH')] },
            excluded: { dns: ['evil.acme.example'] },
          },
          extendedKeyUsage: [OID.kpClientAuth, OID.kpHallmarkManifestSigning],
        }),
      },
      signer: key,
      issuer: root.certificate,
    });
    expectFastAgrees(ca.certificate.der);

    const leafKey = signer(alg);
    const leaves: [CertificateTemplate['profile'], Extension[]][] = [
      [
        'idevid',
        idevidExtensions(leafKey.spki, caKey.spki, {
          hardwareModuleName: { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from('WX-0001') },
          masaUrl: 'https://masa.acme.example/.well-known/brski',
          keyAgreement: true,
          customExtensions: [
            { oid: '1.3.6.1.4.1.55555.7.1', critical: false, value: utf8String('firmware-class-a') },
            { oid: '1.3.6.1.4.1.55555.7.2', critical: true, value: sequence() },
          ],
        }),
      ],
      ['manifest-signer', manifestSignerExtensions(leafKey.spki, caKey.spki)],
      ['crl-signer', crlSignerExtensions(leafKey.spki, caKey.spki)],
    ];
    for (const [profile, extensions] of leaves) {
      const leaf = await signCertificate({
        template: {
          profile,
          serial: Buffer.from('00ff00ff00ff00ff00ff00ff00ff00ff', 'hex'),
          issuerName: ca.certificate.subjectDer,
          subjectName: encodeName(parseSubject('C=DE,O=Acme Devices GmbH,CN=widget-WX-0001,serialNumber=WX-0001')),
          notBefore: t0,
          notAfter: profile === 'idevid' ? NO_WELL_DEFINED_EXPIRATION : new Date(t0.getTime() + 365 * DAY),
          subjectSpki: leafKey.spki,
          extensions,
        },
        signer: caKey,
        issuer: ca.certificate,
      });
      expectFastAgrees(leaf.certificate.der);
      // signCertificate's own certificate (facts reused from the linted TBS) is what a fresh read finds.
      expectSameFacts(leaf.certificate, parseCertificate(leaf.certificate.der));
    }
  }, 30_000);
});

describe('encodings the fast reader decodes itself', () => {
  it('UTCTime from 1950 to 2049 and GeneralizedTime from 2050, to 9999', () => {
    for (const [from, to] of [
      [Date.UTC(1950, 0, 1), Date.UTC(1999, 11, 31, 23, 59, 59)],
      [Date.UTC(2000, 1, 29, 12), Date.UTC(2049, 11, 31, 23, 59, 59)],
      [Date.UTC(2049, 5, 1), Date.UTC(2050, 0, 1)],
      [Date.UTC(2026, 0, 1), NO_WELL_DEFINED_EXPIRATION.getTime()],
    ] as const) {
      expectTbsAgrees(tbsOf({ notBefore: new Date(from), notAfter: new Date(to) }));
    }
  });

  it('serials with and without a leading zero byte, one to twenty octets', () => {
    for (const hex of ['01', '7f', '80', 'ff'.repeat(20), '00'.repeat(3) + '42', '8000000000000000000000000000000000000000']) {
      expectTbsAgrees(tbsOf({ serial: Buffer.from(hex, 'hex') }));
    }
  });

  it('names in PrintableString, UTF8String (non-ASCII, BOM) and IA5String, and empty names', () => {
    const atv = (type: string, value: Buffer) => setOf(sequence(oid(type), value));
    const subject = sequence(
      atv(OID.countryName, printableString('DE')),
      atv(OID.organizationName, utf8String('Ä Acme ☃ 🦀')),
      atv(OID.organizationalUnitName, utf8String('\ufeffbom')),
      atv('1.2.840.113549.1.9.1', ia5String('pki@acme.example')),
      atv(OID.commonName, utf8String('')),
    );
    expectTbsAgrees(tbsOf({ subjectName: subject }));
    expectTbsAgrees(tbsOf({ subjectName: sequence(), issuerName: sequence() }));
  });

  it('extensions: explicit FALSE, pathLen over one byte, decipherOnly, SAN DNS/URI/otherName, AKI without key id, duplicates, unknown critical', () => {
    const leaf = signer('ecdsa-p256').spki;
    const ku: Extension = { oid: OID.keyUsage, critical: true, value: bitString(Buffer.from([0x80, 0x80]), 7) };
    const extensions: Extension[] = [
      { oid: OID.basicConstraints, critical: true, value: sequence(boolean(true), smallInteger(300)) },
      ku,
      extendedKeyUsage([OID.kpServerAuth, OID.kpClientAuth, '2.25.329800735698586629295641978511506172918']),
      subjectKeyIdentifier(leaf),
      { oid: OID.authorityKeyIdentifier, critical: false, value: sequence() },
      subjectAltName([
        { kind: 'dns', value: 'dev-1.acme.example' },
        { kind: 'uri', value: 'urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' },
        { kind: 'hardwareModuleName', value: { hwType: '1.3.6.1.4.1.55555.1', hwSerialNum: Buffer.alloc(0) } },
      ]),
      { oid: OID.subjectAltName, critical: true, value: sequence(contextTag(2, Buffer.from('second.example'), false)) },
      masaUrl('masa.acme.example'),
      { oid: '1.3.6.1.4.1.55555.9', critical: true, value: octetString(Buffer.from('opaque')) },
    ];
    expectTbsAgrees(tbsOf({ extensions }));
    // explicit critical FALSE (not DER for a DEFAULT, but both readers take it) and a cA=FALSE flag
    const explicitFalse = sequence(oid(OID.keyUsage), boolean(false), octetString(bitString(Buffer.from([0x80]), 7)));
    const bc = sequence(oid(OID.basicConstraints), octetString(sequence(boolean(false))));
    const tbs = tbsOf({ extensions: [] });
    expectTbsAgrees(replaceExtensions(tbs, [explicitFalse, bc]));
    const otherName = subjectAltNameOf(contextTag(0, Buffer.concat([oid('1.3.6.1.4.1.55555.3'), contextTag(0, utf8String('x'), true)]), true));
    expectTbsAgrees(tbsOf({ extensions: [otherName] }));
    const nc = nameConstraints({ excluded: { dns: ['x.example'], directoryNames: [parseSubject('O=Evil')] } });
    expectTbsAgrees(tbsOf({ extensions: [nc, authorityKeyIdentifier(keyIdentifier(leaf))] }));
  });

  it('OIDs with arcs beyond 2^53 (UUID OIDs under 2.25) in dotted decimal from both readers', () => {
    const tbs = tbsOf({ extensions: [extendedKeyUsage([OID.kpHallmarkManifestSigning])] });
    expect(readTbsFast(tbs)!.extendedKeyUsage).toEqual([OID.kpHallmarkManifestSigning]);
    expect(parseTbs(tbs).extendedKeyUsage).toEqual([OID.kpHallmarkManifestSigning]);
  });

  it('a TBS without extensions and a version 1 TBS', () => {
    const tbs = tbsOf({});
    expectTbsAgrees(replaceExtensions(tbs, null));
    expectTbsAgrees(withoutVersion(replaceExtensions(tbs, null)));
  });
});

describe('structures left to asn1-x509', () => {
  const cases: [string, () => Buffer][] = [
    [
      'a multi-valued RDN',
      () => tbsOf({ subjectName: sequence(setOf(sequence(oid(OID.commonName), utf8String('a')), sequence(oid(OID.serialNumber), printableString('1')))) }),
    ],
    ['a BMPString name', () => tbsOf({ subjectName: sequence(setOf(sequence(oid(OID.commonName), tlv(0x1e, Buffer.from('0041', 'hex'))))) })],
    ['a TeletexString name', () => tbsOf({ subjectName: sequence(setOf(sequence(oid(OID.commonName), tlv(0x14, Buffer.from('abc'))))) })],
    ['an e-mail SAN', () => tbsOf({ extensions: [subjectAltNameOf(tlv(0x81, Buffer.from('a@b.example')))] })],
    ['an IP SAN', () => tbsOf({ extensions: [subjectAltNameOf(tlv(0x87, Buffer.from([10, 0, 0, 1])))] })],
    [
      'an AKI with issuer and serial',
      () =>
        tbsOf({
          extensions: [
            {
              oid: OID.authorityKeyIdentifier,
              critical: false,
              value: sequence(
                contextTag(0, Buffer.alloc(20, 1), false),
                contextTag(1, contextTag(4, encodeName(parseSubject('CN=x')), true), true),
                tlv(0x82, Buffer.from([1])),
              ),
            },
          ],
        }),
    ],
    ['invalid UTF-8 in a UTF8String', () => tbsOf({ subjectName: sequence(setOf(sequence(oid(OID.commonName), tlv(0x0c, Buffer.from([0xc3, 0x28]))))) })],
    ['a UTCTime with an offset', () => withValidity(tbsOf({}), sequence(tlv(0x17, Buffer.from('2601010000+0100')), tlv(0x17, Buffer.from('270101000000Z'))))],
    [
      'a GeneralizedTime with fractions',
      () => withValidity(tbsOf({}), sequence(tlv(0x18, Buffer.from('20260101000000.5Z')), tlv(0x18, Buffer.from('20500101000000Z')))),
    ],
    ['a keyUsage that is not a BIT STRING', () => tbsOf({ extensions: [{ oid: OID.keyUsage, critical: true, value: smallInteger(5) }] })],
    [
      'a basicConstraints with trailing bytes',
      () => tbsOf({ extensions: [{ oid: OID.basicConstraints, critical: true, value: Buffer.concat([sequence(boolean(true)), Buffer.from([0])]) }] }),
    ],
    ['a long-form length where a short one fits (not DER)', () => nonMinimalLength(tbsOf({}))],
    ['issuerUniqueID', () => withUniqueId(tbsOf({}))],
    [
      'a negative pathLen',
      () => tbsOf({ extensions: [{ oid: OID.basicConstraints, critical: true, value: sequence(boolean(true), tlv(0x02, Buffer.from([0xff]))) }] }),
    ],
  ];
  it.each(cases)('%s: the fast reader steps aside and the result is asn1-x509’s', (_name, make) => {
    const tbs = make();
    expect(readTbsFast(tbs)).toBeNull();
    expect(outcome(() => parseTbsFast(tbs))).toEqual(outcome(() => parseTbs(tbs)));
  });

  it('input that is no certificate at all fails with the same error', () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('3003020101', 'hex'), Buffer.from('hello'), Buffer.from('30820000', 'hex')]) {
      expect(outcome(() => parseTbsFast(junk))).toEqual(outcome(() => parseTbs(junk)));
      expect(outcome(() => parseCertificateFast(junk))).toEqual(outcome(() => parseCertificate(junk)));
    }
  });
});

// --- helpers that edit a TBS at the DER level (deliberately not through the encoder's template) ---

function subjectAltNameOf(...names: Buffer[]): Extension {
  return { oid: OID.subjectAltName, critical: false, value: sequence(...names) };
}

interface Field {
  readonly raw: Buffer;
  readonly id: number;
}

function fields(tbs: Buffer): Field[] {
  const out: Field[] = [];
  let p = headerLength(tbs, 0);
  while (p < tbs.length) {
    const end = p + headerLength(tbs, p) + contentLength(tbs, p);
    out.push({ raw: tbs.subarray(p, end), id: tbs[p]! });
    p = end;
  }
  return out;
}

function headerLength(buf: Buffer, at: number): number {
  const first = buf[at + 1]!;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(buf: Buffer, at: number): number {
  const first = buf[at + 1]!;
  if (first < 0x80) return first;
  let n = 0;
  for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + buf[at + 2 + i]!;
  return n;
}

function rebuild(parts: Buffer[]): Buffer {
  return sequence(...parts);
}

function replaceExtensions(tbs: Buffer, extensions: Buffer[] | null): Buffer {
  const parts = fields(tbs)
    .filter((f) => f.id !== 0xa3)
    .map((f) => f.raw);
  if (extensions !== null) parts.push(contextTag(3, sequence(...extensions), true));
  return rebuild(parts);
}

function withoutVersion(tbs: Buffer): Buffer {
  return rebuild(
    fields(tbs)
      .filter((f) => f.id !== 0xa0)
      .map((f) => f.raw),
  );
}

function withValidity(tbs: Buffer, validity: Buffer): Buffer {
  const f = fields(tbs);
  return rebuild(f.map((x, i) => (i === 4 ? validity : x.raw)));
}

function withUniqueId(tbs: Buffer): Buffer {
  const f = fields(tbs).map((x) => x.raw);
  f.splice(7, 0, tlv(0x81, Buffer.from([0, 1, 2])));
  return rebuild(f);
}

/** The serial INTEGER with a two-byte length header for a short value. */
function nonMinimalLength(tbs: Buffer): Buffer {
  const f = fields(tbs).map((x) => x.raw);
  const serial = f[1]!;
  f[1] = Buffer.concat([Buffer.from([0x02, 0x81, serial[1]!]), serial.subarray(2)]);
  void unsignedInteger;
  return rebuild(f);
}
