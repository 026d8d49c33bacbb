import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyObjectSigningKey } from '../../main/keys/software/key-object-signing-key.js';
import type { KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import { parseTbs, type CertificateFacts } from '../../main/x509/certificate-facts.js';
import type { CertificateTemplate } from '../../main/x509/certificate-template.js';
import { encodeName, parseSubject } from '../../main/x509/distinguished-name.js';
import { basicConstraints } from '../../main/x509/extensions/basic-constraints.js';
import { keyUsage } from '../../main/x509/extensions/key-usage.js';
import type { Extension } from '../../main/x509/extensions/extension.js';
import { subjectAltName } from '../../main/x509/extensions/subject-alt-name.js';
import { lintCertificate } from '../../main/x509/lint/lint-certificate.js';
import { intermediateCaExtensions, manifestSignerExtensions, rootCaExtensions } from '../../main/x509/profiles/ca-profiles.js';
import { idevidExtensions } from '../../main/x509/profiles/idevid-profile.js';
import { signCertificate } from '../../main/x509/sign-certificate.js';
import { signatureAlgorithmFor } from '../../main/x509/signature-algorithm.js';
import { encodeTbsCertificate } from '../../main/x509/tbs-certificate.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../../main/x509/validity.js';

/** Real keys, real encodings: each rule is shown firing on a certificate that breaks it. */
function key(alg: KeyAlgorithm = 'ecdsa-p256', label: string = alg) {
  const pair =
    alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: alg === 'ecdsa-p384' ? 'secp384r1' : 'prime256v1' });
  return new KeyObjectSigningKey(label, alg, pair.privateKey, pair.publicKey.export({ type: 'spki', format: 'der' }));
}
const DAY = 86_400_000;
const t0 = new Date(Date.UTC(2026, 0, 1));
const rootKey = key('ecdsa-p384', 'root');
const rootName = encodeName(parseSubject('C=DE,O=Acme,CN=Root'));

async function makeRoot(pathLen?: number, extra: Extension[] = []) {
  return (
    await signCertificate({
      template: {
        profile: 'root',
        serial: Buffer.alloc(16, 0x11),
        issuerName: rootName,
        subjectName: rootName,
        notBefore: t0,
        notAfter: new Date(t0.getTime() + 3650 * DAY),
        subjectSpki: rootKey.spki,
        extensions: [...rootCaExtensions(rootKey.spki, pathLen), ...extra],
      },
      signer: rootKey,
      issuer: null,
    })
  ).certificate;
}

function facts(
  template: Partial<CertificateTemplate> & Pick<CertificateTemplate, 'profile' | 'extensions'>,
  signer: KeyAlgorithm = 'ecdsa-p384',
): CertificateFacts {
  const leaf = key();
  const full: CertificateTemplate = {
    serial: Buffer.alloc(16, 0x22),
    issuerName: rootName,
    subjectName: encodeName(parseSubject('O=Acme,CN=dev-1,serialNumber=D1')),
    notBefore: new Date(t0.getTime() + DAY),
    notAfter: new Date(t0.getTime() + 400 * DAY),
    subjectSpki: leaf.spki,
    ...template,
  };
  return parseTbs(encodeTbsCertificate(full, signatureAlgorithmFor(signer).der));
}

const rules = (cert: CertificateFacts, ctx: Parameters<typeof lintCertificate>[1]) =>
  lintCertificate(cert, ctx)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => f.rule);

describe('pre-signing lints', () => {
  const hw = { hardwareModuleName: { hwType: '2.23.133.1.2', hwSerialNum: Buffer.from('D1') } };
  const spki = key().spki;

  it('passes a well-formed IDevID', async () => {
    const root = await makeRoot();
    const c = facts({ profile: 'idevid', extensions: idevidExtensions(spki, rootKey.spki, hw), subjectSpki: spki });
    expect(rules(c, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toEqual([]);
  });

  it('keyCertSign without cA, and a CA profile without cA', async () => {
    const root = await makeRoot();
    const c = facts({ profile: 'idevid', extensions: [basicConstraints(false), keyUsage(['digitalSignature', 'keyCertSign'])] });
    expect(rules(c, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toEqual(
      expect.arrayContaining(['key-usage.consistent-with-ca', 'idevid.802-1ar-fields', 'key-identifiers.present']),
    );
    const ca = facts({ profile: 'intermediate', extensions: [basicConstraints(false), keyUsage(['digitalSignature'])] });
    expect(rules(ca, { profile: 'intermediate', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('basic-constraints.matches-profile');
  });

  it("validity outside the issuer's, backwards, or beyond the profile's maximum", async () => {
    const root = await makeRoot();
    const ext = idevidExtensions(spki, rootKey.spki, hw);
    const late = facts({ profile: 'idevid', extensions: ext, notAfter: new Date(t0.getTime() + 5000 * DAY) });
    expect(rules(late, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('validity.within-issuer');
    const noExpiry = facts({ profile: 'idevid', extensions: ext, notAfter: NO_WELL_DEFINED_EXPIRATION });
    const report = lintCertificate(noExpiry, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' });
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'validity.within-issuer', severity: 'warning' })]);
    const early = facts({ profile: 'idevid', extensions: ext, notBefore: new Date(t0.getTime() - DAY) });
    expect(rules(early, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('validity.within-issuer');
    const backwards = facts({ profile: 'idevid', extensions: ext, notBefore: new Date(t0.getTime() + 10 * DAY), notAfter: new Date(t0.getTime() + 5 * DAY) });
    expect(rules(backwards, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('validity.ordered');
    const longCa = facts({
      profile: 'intermediate',
      extensions: intermediateCaExtensions(spki, rootKey.spki, {}),
      notAfter: new Date(t0.getTime() + 9 * 366 * DAY),
    });
    expect(rules(longCa, { profile: 'intermediate', issuer: null, signerAlgorithm: 'ecdsa-p384' })).toContain('validity.maximum');
  });

  it('a CA below an issuer with pathLen 0', async () => {
    const root = await makeRoot(0);
    const c = facts({ profile: 'intermediate', extensions: intermediateCaExtensions(spki, rootKey.spki, { pathLen: 0 }) });
    expect(rules(c, { profile: 'intermediate', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('path-length.allowed-by-issuer');
  });

  it("names outside the issuer's name constraints, and EKUs outside its EKU constraint", async () => {
    const caKey = key('ecdsa-p256', 'ca');
    const root = await makeRoot();
    const ca = (
      await signCertificate({
        template: {
          profile: 'intermediate',
          serial: Buffer.alloc(16, 0x33),
          issuerName: rootName,
          subjectName: encodeName(parseSubject('O=Acme,CN=Constrained CA')),
          notBefore: new Date(t0.getTime() + DAY),
          notAfter: new Date(t0.getTime() + 1000 * DAY),
          subjectSpki: caKey.spki,
          extensions: intermediateCaExtensions(caKey.spki, rootKey.spki, {
            nameConstraints: { permitted: { dns: ['devices.acme.example'], directoryNames: [parseSubject('O=Acme')] } },
            extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
          }),
        },
        signer: rootKey,
        issuer: root,
      })
    ).certificate;
    const outside = facts(
      {
        profile: 'idevid',
        issuerName: ca.subjectDer,
        subjectName: encodeName(parseSubject('O=Evil,CN=x,serialNumber=D1')),
        extensions: [
          ...idevidExtensions(spki, caKey.spki, hw).filter((e) => e.oid !== '2.5.29.17'),
          subjectAltName([
            { kind: 'dns', value: 'www.evil.example' },
            { kind: 'hardwareModuleName', value: hw.hardwareModuleName },
          ]),
        ],
      },
      'ecdsa-p256',
    );
    expect(rules(outside, { profile: 'idevid', issuer: ca, signerAlgorithm: 'ecdsa-p256' })).toEqual(expect.arrayContaining(['name-constraints.respected']));
    const signer = facts(
      {
        profile: 'manifest-signer',
        issuerName: ca.subjectDer,
        subjectName: encodeName(parseSubject('O=Acme,CN=Manifest signer')),
        extensions: manifestSignerExtensions(spki, caKey.spki),
      },
      'ecdsa-p256',
    );
    expect(rules(signer, { profile: 'manifest-signer', issuer: ca, signerAlgorithm: 'ecdsa-p256' })).toContain('eku.allowed-by-issuer');
  });

  it('a signature algorithm that does not match the signing key, a bad serial, a duplicate extension', async () => {
    const root = await makeRoot();
    const ext = idevidExtensions(spki, rootKey.spki, hw);
    const wrongAlg = facts({ profile: 'idevid', extensions: ext }, 'ecdsa-p256');
    expect(rules(wrongAlg, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('signature.algorithm-matches-key');
    const shortSerial = facts({ profile: 'idevid', extensions: ext, serial: Buffer.from([0x01, 0x02]) });
    expect(rules(shortSerial, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('serial.entropy');
    const dup = facts({ profile: 'idevid', extensions: [...ext, keyUsage(['digitalSignature'])] });
    expect(rules(dup, { profile: 'idevid', issuer: root, signerAlgorithm: 'ecdsa-p384' })).toContain('extensions.no-duplicates');
  });

  it('blocks signing on an error and names the rule; a skip needs a reason', async () => {
    const root = await makeRoot(0);
    const template: CertificateTemplate = {
      profile: 'intermediate',
      serial: Buffer.alloc(16, 0x44),
      issuerName: root.subjectDer,
      subjectName: encodeName(parseSubject('CN=Sub')),
      notBefore: new Date(t0.getTime() + DAY),
      notAfter: new Date(t0.getTime() + 100 * DAY),
      subjectSpki: spki,
      extensions: intermediateCaExtensions(spki, rootKey.spki, {}),
    };
    await expect(signCertificate({ template, signer: rootKey, issuer: root })).rejects.toThrow(/\[path-length\.allowed-by-issuer\]/);
    await expect(
      signCertificate({ template, signer: rootKey, issuer: root, skipLints: [{ rule: 'path-length.allowed-by-issuer', reason: 'x' }] }),
    ).rejects.toThrow(/written reason/);
    await expect(signCertificate({ template, signer: key('ecdsa-p384', 'not-the-ca'), issuer: root })).rejects.toThrow(/not the issuing CA's key/);
  });
});
