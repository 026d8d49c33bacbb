import { generateKeyPairSync, verify } from 'node:crypto';
import { matterDacExtensions, matterPaiExtensions } from '../../main/x509/profiles/matter-profiles.js';
import { describe, expect, it } from 'vitest';
import type { KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import type { SigningKey } from '../../main/keys/signing-key.js';
import { KeyObjectSigningKey } from '../../main/keys/software/key-object-signing-key.js';
import { parseCertificate, type CertificateFacts } from '../../main/x509/certificate-facts.js';
import { parseTbsFast } from '../../main/x509/certificate-facts-fast.js';
import type { CertificateTemplate } from '../../main/x509/certificate-template.js';
import { encodeName, parseSubject } from '../../main/x509/distinguished-name.js';
import { utf8String } from '../../main/x509/der/der-writer.js';
import { prepareIssuer, type IssuedProfile, type IssuerSetup } from '../../main/x509/issuer/prepared-issuer.js';
import { keySupportFindings } from '../../main/x509/lint/key-support.js';
import { lintCertificate } from '../../main/x509/lint/lint-certificate.js';
import { OID } from '../../main/x509/oids.js';
import { crlSignerExtensions, intermediateCaExtensions, manifestSignerExtensions, rootCaExtensions } from '../../main/x509/profiles/ca-profiles.js';
import { HW_TYPE_TPM2, idevidExtensions } from '../../main/x509/profiles/idevid-profile.js';
import { checkPublicKey } from '../../main/x509/public-key/check-public-key.js';
import { signCertificate } from '../../main/x509/sign-certificate.js';
import { assembleCertificate } from '../../main/x509/signed-certificate.js';
import { signatureAlgorithmFor } from '../../main/x509/signature-algorithm.js';
import { encodeTbsCertificate } from '../../main/x509/tbs-certificate.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../../main/x509/validity.js';
import { expectSameFacts } from '../support/facts-equality.js';

const DAY = 86_400_000;
const t0 = new Date(Date.UTC(2026, 0, 1));

function key(alg: KeyAlgorithm, label: string): KeyObjectSigningKey {
  const pair =
    alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: alg === 'ecdsa-p384' ? 'secp384r1' : 'prime256v1' });
  return new KeyObjectSigningKey(label, alg, pair.privateKey, pair.publicKey.export({ type: 'spki', format: 'der' }));
}

const rootKey = key('ecdsa-p384', 'root');
const caKey = key('ecdsa-p256', 'mfg');
const deviceKey = key('ecdsa-p256', 'device');
const rootName = encodeName(parseSubject('C=DE,O=Acme,CN=Root'));
const subjectName = encodeName(parseSubject('C=DE,O=Acme,CN=widget-WX-1,serialNumber=WX-1'));
const hardwareModuleName = { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from('WX-1') };
const serial = Buffer.from('11223344556677889900aabbccddeeff', 'hex');

async function chain(): Promise<{ root: CertificateFacts; ca: CertificateFacts }> {
  const root = await signCertificate({
    template: {
      profile: 'root',
      serial,
      issuerName: rootName,
      subjectName: rootName,
      notBefore: t0,
      notAfter: new Date(t0.getTime() + 20 * 365 * DAY),
      subjectSpki: rootKey.spki,
      extensions: rootCaExtensions(rootKey.spki, 2),
    },
    signer: rootKey,
    issuer: null,
  });
  const ca = await signCertificate({
    template: {
      profile: 'intermediate',
      serial,
      issuerName: rootName,
      subjectName: encodeName(parseSubject('C=DE,O=Acme,CN=Mfg CA')),
      notBefore: t0,
      notAfter: new Date(t0.getTime() + 5 * 365 * DAY),
      subjectSpki: caKey.spki,
      extensions: intermediateCaExtensions(caKey.spki, rootKey.spki, { pathLen: 1 }),
    },
    signer: rootKey,
    issuer: root.certificate,
  });
  return { root: root.certificate, ca: ca.certificate };
}

const idevid = {
  masaUrl: 'masa.acme.example',
  keyAgreement: true,
  customExtensions: [{ oid: '1.3.6.1.4.1.55555.7', critical: false, value: utf8String('class-a') }],
};
const intermediate = { pathLen: 0, nameConstraints: { permitted: { dns: ['.acme.example'] } }, extendedKeyUsage: [OID.kpClientAuth] };

function profileExtensions(profile: IssuedProfile, spki: Buffer) {
  switch (profile) {
    case 'idevid':
      return idevidExtensions(spki, caKey.spki, { ...idevid, hardwareModuleName });
    case 'intermediate':
      return intermediateCaExtensions(spki, caKey.spki, intermediate);
    case 'manifest-signer':
      return manifestSignerExtensions(spki, caKey.spki);
    case 'crl-signer':
      return crlSignerExtensions(spki, caKey.spki);
    case 'matter-pai':
      return matterPaiExtensions(spki, caKey.spki);
    case 'matter-dac':
      return matterDacExtensions(spki, caKey.spki);
  }
}

describe('prepareIssuer', () => {
  it.each(['idevid', 'intermediate', 'manifest-signer', 'crl-signer'] as const)(
    '%s: the same TBS as the template encoder, the same lint findings as signCertificate, and a certificate that verifies',
    async (profile) => {
      const { ca } = await chain();
      const notAfter = profile === 'idevid' ? NO_WELL_DEFINED_EXPIRATION : new Date(t0.getTime() + 365 * DAY);
      const setup: IssuerSetup = { issuer: ca, signer: caKey, profile, idevid, intermediate };
      const issued = await prepareIssuer(setup).issue({
        subjectKey: checkPublicKey(deviceKey.spki),
        subjectName,
        notBefore: t0,
        notAfter,
        serial,
        ...(profile === 'idevid' ? { hardwareModuleName } : {}),
      });
      const template: CertificateTemplate = {
        profile,
        serial,
        issuerName: ca.subjectDer,
        subjectName,
        notBefore: t0,
        notAfter,
        subjectSpki: deviceKey.spki,
        extensions: profileExtensions(profile, deviceKey.spki),
      };
      expect(issued.certificate.tbsDer.equals(encodeTbsCertificate(template, signatureAlgorithmFor('ecdsa-p256').der))).toBe(true);

      const reference = await signCertificate({ template, signer: caKey, issuer: ca });
      expect(issued.findings).toEqual(reference.findings);
      expectSameFacts(issued.certificate, parseCertificate(issued.certificate.der));
      const { signature, tbsDer } = issued.certificate;
      expect(verify('sha256', tbsDer, { key: caKey.spki, format: 'der', type: 'spki', dsaEncoding: 'der' }, signature)).toBe(true);
    },
  );

  it('issues many certificates with fresh serials from one preparation, with an asynchronous (HSM-like) key too', async () => {
    const { ca } = await chain();
    const asyncKey: SigningKey = { label: caKey.label, algorithm: caKey.algorithm, spki: caKey.spki, sign: (m) => caKey.sign(m), close: () => {} };
    for (const signer of [caKey, asyncKey]) {
      const issuer = prepareIssuer({ issuer: ca, signer, profile: 'idevid' });
      const subjectKey = checkPublicKey(deviceKey.spki);
      const serials = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const c = await issuer.issue({
          subjectKey,
          subjectName,
          notBefore: t0,
          notAfter: NO_WELL_DEFINED_EXPIRATION,
          hardwareModuleName: { ...hardwareModuleName, hwSerialNum: Buffer.from(`WX-${i}`) },
        });
        serials.add(c.certificate.serial.toString('hex'));
        expect(c.certificate.san?.hardwareModuleNames[0]?.hwSerialNum.toString()).toBe(`WX-${i}`);
      }
      expect(serials.size).toBe(5);
    }
  });

  it('refuses a key that is not the CA’s, a missing or misplaced hardwareModuleName, and lint errors, with signCertificate’s messages', async () => {
    const { ca } = await chain();
    expect(() => prepareIssuer({ issuer: ca, signer: rootKey, profile: 'idevid' })).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_MISMATCH', message: 'key "root" is not the issuing CA\'s key' }),
    );
    const subjectKey = checkPublicKey(deviceKey.spki);
    const base = { subjectKey, subjectName, notBefore: t0, notAfter: NO_WELL_DEFINED_EXPIRATION };
    await expect(prepareIssuer({ issuer: ca, signer: caKey, profile: 'idevid' }).issue(base)).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
    await expect(prepareIssuer({ issuer: ca, signer: caKey, profile: 'crl-signer' }).issue({ ...base, hardwareModuleName })).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
    });

    const tooLong = { ...base, notAfter: new Date(t0.getTime() + 40 * 365 * DAY) };
    const fast = prepareIssuer({ issuer: ca, signer: caKey, profile: 'intermediate' }).issue({ ...tooLong, serial });
    const template: CertificateTemplate = {
      profile: 'intermediate',
      serial,
      issuerName: ca.subjectDer,
      subjectName,
      notBefore: t0,
      notAfter: tooLong.notAfter,
      subjectSpki: deviceKey.spki,
      extensions: intermediateCaExtensions(deviceKey.spki, caKey.spki, {}),
    };
    const slow = signCertificate({ template, signer: caKey, issuer: ca });
    const message = await slow.then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toContain('[validity.within-issuer]');
    await expect(fast).rejects.toMatchObject({ code: 'LINT_FAILED', message });
  });

  it('refuses a signature that does not verify with the CA key', async () => {
    const { ca } = await chain();
    const liar: SigningKey = { label: 'liar', algorithm: caKey.algorithm, spki: caKey.spki, sign: (m) => deviceKey.sign(m), close: () => {} };
    const issue = prepareIssuer({ issuer: ca, signer: liar, profile: 'crl-signer' }).issue({
      subjectKey: checkPublicKey(deviceKey.spki),
      subjectName,
      notBefore: t0,
      notAfter: new Date(t0.getTime() + DAY),
    });
    await expect(issue).rejects.toMatchObject({ code: 'SIGNATURE_MISMATCH', message: 'the signature made by key "liar" does not verify with its public key' });
  });
});

describe('assembleCertificate', () => {
  const tbs = encodeTbsCertificate(
    {
      profile: 'crl-signer',
      serial,
      issuerName: rootName,
      subjectName,
      notBefore: t0,
      notAfter: new Date(t0.getTime() + DAY),
      subjectSpki: deviceKey.spki,
      extensions: crlSignerExtensions(deviceKey.spki, caKey.spki),
    },
    signatureAlgorithmFor('ecdsa-p256').der,
  );
  const facts = parseTbsFast(tbs);
  const signature = caKey.signSync(tbs);

  it('reuses the TBS facts only for the same bytes', () => {
    const other = parseTbsFast(Buffer.from(tbs.toString('hex').replace(serial.toString('hex'), '99'.repeat(16)), 'hex'));
    expect(() => assembleCertificate(tbs, other, signatureAlgorithmFor('ecdsa-p256').der, signature)).toThrow(expect.objectContaining({ code: 'TBS_CHANGED' }));
  });

  it('requires the outer signatureAlgorithm to be the TBS signature field', () => {
    expect(() => assembleCertificate(tbs, facts, signatureAlgorithmFor('ecdsa-p384').der, signature)).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_INVALID' }),
    );
    const good = assembleCertificate(tbs, facts, signatureAlgorithmFor('ecdsa-p256').der, signature);
    expectSameFacts(good, parseCertificate(good.der));
  });
});

describe('key.supported without reloading a checked key', () => {
  const p256 = checkPublicKey(deviceKey.spki);
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });

  it('uses the checked key only when its SPKI is the certificate’s byte for byte', () => {
    expect(keySupportFindings(deviceKey.spki, p256)).toEqual([]);
    // a vouch for another key is ignored: the certificate's own key is loaded and judged
    const refused = keySupportFindings(rsa1024, p256);
    expect(refused.map((f) => f.message)).toEqual(['RSA modulus of 1024 bits (2048, 3072 or 4096 required)']);
  });

  it('gives the same verdict from its cache as from a fresh load, for any caller', () => {
    const first = keySupportFindings(rsa1024);
    expect(keySupportFindings(rsa1024)).toEqual(first);
    expect(keySupportFindings(Buffer.from('3000', 'hex'))[0]?.message).toMatch(/^the subject public key cannot be loaded: /);
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(keySupportFindings(x25519).map((f) => f.message)).toEqual(['unsupported subject key x25519']);
  });

  it('the lint context carries the checked key into the key.supported rule', async () => {
    const { ca } = await chain();
    const tbs = encodeTbsCertificate(
      {
        profile: 'crl-signer',
        serial,
        issuerName: ca.subjectDer,
        subjectName,
        notBefore: t0,
        notAfter: new Date(t0.getTime() + DAY),
        subjectSpki: rsa1024,
        extensions: crlSignerExtensions(rsa1024, caKey.spki),
      },
      signatureAlgorithmFor('ecdsa-p256').der,
    );
    const ctx = { profile: 'crl-signer' as const, issuer: ca, signerAlgorithm: 'ecdsa-p256' as const, subjectKey: p256 };
    expect(lintCertificate(parseTbsFast(tbs), ctx).findings.map((f) => f.rule)).toContain('key.supported');
  });
});
