import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../main/keys/signing-key.js';
import type { ParsedCertificate } from '../main/x509/certificate-facts.js';
import type { CertificateTemplate } from '../main/x509/certificate-template.js';
import { parseCsr } from '../main/x509/csr/parse-csr.js';
import { parseDer } from '../main/x509/der/der-reader.js';
import { encodeName, type NameAttribute } from '../main/x509/distinguished-name.js';
import { prepareIssuer, type PreparedIssuer } from '../main/x509/issuer/prepared-issuer.js';
import { HW_TYPE_TPM2, idevidExtensions } from '../main/x509/profiles/idevid-profile.js';
import { randomSerialNumber } from '../main/x509/serial-number.js';
import { signCertificate } from '../main/x509/sign-certificate.js';
import { NO_WELL_DEFINED_EXPIRATION, wholeSeconds } from '../main/x509/validity.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';
import { deviceCsrs, manufacturingCa, softwareP256Pair, type DeviceCsr } from './issuance-fixture.js';
import { legacySignCertificate } from './legacy-sign-certificate.js';
import { softHsmP256Key } from './softhsm-p256-key.js';

/**
 * Certificates issued per second from device CSRs, as the station issues IDevIDs: parse and
 * check the CSR (structure, key, signature), encode the certificate, run every lint, sign
 * with the CA key, verify that signature, read the certificate back and lint it again.
 * Against the raw limit of the same keys in the same run: one CSR signature verification
 * plus one certificate signature with already-loaded node:crypto KeyObjects. Nothing is
 * written to SQLite here; the commit of the certificate and its audit entry is measured by
 * audit.bench.ts.
 */

const OPS = 200;
const LEGACY_OPS = 40;
const CONCURRENCY = 4;
const MASA_URL = 'https://masa.acme.example/.well-known/brski';

interface RawOp {
  readonly info: Buffer;
  readonly signature: Buffer;
  readonly publicKey: KeyObject;
}

interface Fixture {
  readonly caKey: SigningKey;
  readonly ca: ParsedCertificate;
  readonly csrs: readonly DeviceCsr[];
  readonly raw: readonly RawOp[];
  /** a real issued TBS: the raw baselines sign messages of its size */
  readonly tbsSample: Buffer;
  readonly issuer: PreparedIssuer;
}

async function fixtureFor(caKey: SigningKey): Promise<Fixture> {
  const ca = await manufacturingCa(caKey);
  const csrs = await deviceCsrs(OPS);
  const raw = csrs.map(({ der }) => {
    const [info, , bits] = parseDer(der, { maxDepth: 10 }).children;
    return {
      info: info!.raw(),
      signature: bits!.content().subarray(1),
      publicKey: createPublicKey({ key: parseCsr(der).publicKey.spki, format: 'der', type: 'spki' }),
    };
  });
  const issuer = prepareIssuer({ issuer: ca, signer: caKey, profile: 'idevid', idevid: { masaUrl: MASA_URL } });
  const tbsSample = (await issueOne({ caKey, ca, csrs, raw, tbsSample: Buffer.alloc(0), issuer }, 0)).tbsDer;
  return { caKey, ca, csrs, raw, tbsSample, issuer };
}

const software = sharedFixture(
  async () => {
    const { key, privateKey } = softwareP256Pair('bench-mfg-ca');
    return { ...(await fixtureFor(key)), privateKey };
  },
  () => {},
);

const softhsm = sharedFixture(
  async () => fixtureFor((await softHsmP256Key()).key),
  () => {},
);

function subjectOf(d: DeviceCsr): NameAttribute[] {
  return [
    { type: 'O', value: 'Acme Devices GmbH' },
    { type: 'CN', value: `widget-${d.hwSerial}` },
    { type: 'serialNumber', value: d.hwSerial },
  ];
}

/** The station's path: parseCsr, then the prepared issuer. */
async function issueOne(f: Fixture, i: number): Promise<ParsedCertificate> {
  const d = f.csrs[i % f.csrs.length]!;
  const csr = parseCsr(d.der);
  const signed = await f.issuer.issue({
    subjectKey: csr.publicKey,
    subjectName: encodeName(subjectOf(d)),
    notBefore: wholeSeconds(new Date()),
    notAfter: NO_WELL_DEFINED_EXPIRATION,
    hardwareModuleName: { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from(d.hwSerial) },
  });
  return signed.certificate;
}

/** What issueFromCsr built per call before the prepared issuer: a full template. */
function templateFor(f: Fixture, d: DeviceCsr, spki: Buffer): CertificateTemplate {
  return {
    profile: 'idevid',
    serial: randomSerialNumber(),
    issuerName: f.ca.subjectDer,
    subjectName: encodeName(subjectOf(d)),
    notBefore: wholeSeconds(new Date()),
    notAfter: NO_WELL_DEFINED_EXPIRATION,
    subjectSpki: spki,
    extensions: idevidExtensions(spki, f.ca.spki, { hardwareModuleName: { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from(d.hwSerial) }, masaUrl: MASA_URL }),
  };
}

let sw: (Fixture & { privateKey: KeyObject }) | undefined;
let hsm: Fixture | undefined;
const useSoftware = async (): Promise<void> => {
  sw = await software();
};
const useSoftHsm = async (): Promise<void> => {
  hsm = await softhsm();
};

export default defineBenchmarks([
  {
    group: 'issuance-p256-software',
    name: 'raw: verify CSR + sign TBS (KeyObjects)',
    baseline: true,
    description: `the raw limit: node:crypto verify of each CSR's signature with its loaded public KeyObject plus one ECDSA P-256 signature over a certificate-sized TBS with the CA's private KeyObject; ${OPS} per run`,
    opsPerRun: OPS,
    setup: useSoftware,
    run() {
      const f = sw!;
      for (let i = 0; i < OPS; i++) {
        const r = f.raw[i]!;
        if (!verify('sha256', r.info, r.publicKey, r.signature)) throw new Error('fixture CSR does not verify');
        sign('sha256', f.tbsSample, f.privateKey);
      }
    },
  },
  {
    group: 'issuance-p256-software',
    name: 'before: parseCsr + asn1-x509 signCertificate',
    description: `reference: parseCsr, then the pre-issuer sequence (template, asn1-x509 facts for TBS and certificate, async sign, key loaded per verify); ${LEGACY_OPS} per run`,
    opsPerRun: LEGACY_OPS,
    setup: useSoftware,
    async run() {
      const f = sw!;
      for (let i = 0; i < LEGACY_OPS; i++) {
        const d = f.csrs[i]!;
        const csr = parseCsr(d.der);
        await legacySignCertificate(templateFor(f, d, csr.publicKey.spki), f.caKey, f.ca);
      }
    },
  },
  {
    group: 'issuance-p256-software',
    name: 'parseCsr + signCertificate',
    description: `parseCsr, then signCertificate from a full template (as CA creation signs): strict facts reader, all lints twice, sign, verify, read back; ${OPS} per run`,
    opsPerRun: OPS,
    setup: useSoftware,
    async run() {
      const f = sw!;
      for (let i = 0; i < OPS; i++) {
        const d = f.csrs[i]!;
        const csr = parseCsr(d.der);
        await signCertificate({ template: templateFor(f, d, csr.publicKey.spki), signer: f.caKey, issuer: f.ca });
      }
    },
  },
  {
    group: 'issuance-p256-software',
    name: 'parseCsr + prepared issuer',
    description: `the station's path: parseCsr, subject encoding, then the prepared issuer (constant parts pre-encoded, all lints twice, sign, self-verify, read back); ${OPS} per run`,
    opsPerRun: OPS,
    setup: useSoftware,
    async run() {
      for (let i = 0; i < OPS; i++) await issueOne(sw!, i);
    },
  },
  {
    group: 'issuance-p256-softhsm',
    name: 'raw: verify CSR + SoftHSM sign (sequential)',
    baseline: true,
    description: `the raw limit with the CA key on SoftHSM: node:crypto verify of each CSR plus one P-256 signature over a certificate-sized TBS through the PKCS#11 SigningKey, awaited one after another; ${OPS} per run`,
    opsPerRun: OPS,
    setup: useSoftHsm,
    async run() {
      const f = hsm!;
      for (let i = 0; i < OPS; i++) {
        const r = f.raw[i]!;
        if (!verify('sha256', r.info, r.publicKey, r.signature)) throw new Error('fixture CSR does not verify');
        await f.caKey.sign(f.tbsSample);
      }
    },
  },
  {
    group: 'issuance-p256-softhsm',
    name: 'parseCsr + prepared issuer, sequential',
    description: `the station's path with the CA key on SoftHSM, one certificate after another; ${OPS} per run`,
    opsPerRun: OPS,
    setup: useSoftHsm,
    async run() {
      for (let i = 0; i < OPS; i++) await issueOne(hsm!, i);
    },
  },
  {
    group: 'issuance-p256-softhsm',
    name: `parseCsr + prepared issuer, ${CONCURRENCY} concurrent`,
    description: `${CONCURRENCY} issuances in flight sharing one prepared issuer and one opened key (one pooled session each); ${OPS} per run`,
    opsPerRun: OPS,
    setup: useSoftHsm,
    async run() {
      const f = hsm!;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, w) => {
          for (let i = w; i < OPS; i += CONCURRENCY) await issueOne(f, i);
        }),
      );
    },
  },
]);
