import type { SigningKey } from '../main/keys/signing-key.js';
import { parseCsr } from '../main/x509/csr/parse-csr.js';
import { encodeName } from '../main/x509/distinguished-name.js';
import { prepareIssuer, type PreparedIssuer } from '../main/x509/issuer/prepared-issuer.js';
import { HW_TYPE_TPM2 } from '../main/x509/profiles/idevid-profile.js';
import { NO_WELL_DEFINED_EXPIRATION, wholeSeconds } from '../main/x509/validity.js';
import type { BenchCase } from './bench-case.js';
import { deviceCsrs, manufacturingCa, softwareP256Key, type DeviceCsr } from './issuance-fixture.js';
import { tpmP256Key } from './tpm-p256-key.js';

/**
 * The station's issuance (strict CSR parse and signature check, prepared issuer with lints,
 * sign, self-verify, read-back) with the manufacturing CA's P-256 key on a TPM 2.0, against
 * the same issuance with the key in software, measured in the same run. Whether a TPM keeps
 * up with a station is read against station-ports' 32-port rate (docs/PERFORMANCE.md).
 */

const OPS = 100;
const CONCURRENCY = 4;

interface Issuing {
  readonly issuer: PreparedIssuer;
  readonly csrs: readonly DeviceCsr[];
}

async function issuingWith(key: SigningKey): Promise<Issuing> {
  const ca = await manufacturingCa(key);
  return {
    issuer: prepareIssuer({ issuer: ca, signer: key, profile: 'idevid', idevid: { masaUrl: 'https://masa.acme.example/.well-known/brski' } }),
    csrs: await deviceCsrs(OPS),
  };
}

async function issue(f: Issuing, i: number): Promise<void> {
  const d = f.csrs[i % f.csrs.length]!;
  const csr = parseCsr(d.der);
  await f.issuer.issue({
    subjectKey: csr.publicKey,
    subjectName: encodeName([
      { type: 'O', value: 'Acme Devices GmbH' },
      { type: 'CN', value: `widget-${d.hwSerial}` },
      { type: 'serialNumber', value: d.hwSerial },
    ]),
    notBefore: wholeSeconds(new Date()),
    notAfter: NO_WELL_DEFINED_EXPIRATION,
    hardwareModuleName: { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from(d.hwSerial) },
  });
}

let software: Issuing | undefined;
let tpm: Issuing | undefined;

export const tpmIssuanceCases: readonly BenchCase[] = [
  {
    group: 'station-issuance-tpm',
    name: 'CA key in software: parseCsr + prepared issuer',
    baseline: true,
    description: `the station's issuance with the manufacturing CA's P-256 key in process, one certificate after another; ${OPS} per run`,
    opsPerRun: OPS,
    async setup() {
      software = await issuingWith(softwareP256Key('bench-mfg-software'));
    },
    async run() {
      for (let i = 0; i < OPS; i++) await issue(software!, i);
    },
  },
  {
    group: 'station-issuance-tpm',
    name: 'CA key on the TPM, sequential',
    description: `the same issuance with the CA key on a TPM 2.0 (swtpm, tpm2-abrmd, tpm2-pkcs11; CKM_ECDSA over a host digest), one after another; ${OPS} per run`,
    opsPerRun: OPS,
    iterations: 10,
    async setup() {
      tpm = await issuingWith((await tpmP256Key()).key);
    },
    async run() {
      for (let i = 0; i < OPS; i++) await issue(tpm!, i);
    },
  },
  {
    group: 'station-issuance-tpm',
    name: `CA key on the TPM, ${CONCURRENCY} concurrent`,
    description: `${CONCURRENCY} issuances in flight sharing the opened TPM key (one pooled session each), as a station with many ports issues; ${OPS} per run`,
    opsPerRun: OPS,
    iterations: 10,
    async setup() {
      tpm = await issuingWith((await tpmP256Key()).key);
    },
    async run() {
      const f = tpm!;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, w) => {
          for (let i = w; i < OPS; i += CONCURRENCY) await issue(f, i);
        }),
      );
    },
  },
];
