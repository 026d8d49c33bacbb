import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../main/keys/signing-key.js';
import { defineBenchmarks } from './bench-case.js';
import { softHsmP256Key } from './softhsm-p256-key.js';
import { tpmP256Key } from './tpm-p256-key.js';

/**
 * What signing inside a token costs against an in-process key. SoftHSM is a software
 * token, so this measures the PKCS#11 path (session pool, C_SignAsync on a libuv worker,
 * hashing in Node, raw r||s → DER) rather than hardware; a real HSM adds its own latency.
 * The TPM cases sign on swtpm through tpm2-abrmd and tpm2-pkcs11 (test/support/tpm-token.ts).
 */

const OPS = 200;
const CONCURRENCY = 4;
const message = Buffer.alloc(200, 0x5a);

let nodeKey: KeyObject | undefined;
let key: SigningKey | undefined;
const useSoftHsm = async (): Promise<void> => {
  key = (await softHsmP256Key()).key;
};
let tpmKey: SigningKey | undefined;
const useTpm = async (): Promise<void> => {
  tpmKey = (await tpmP256Key()).key;
};

export default defineBenchmarks([
  {
    group: 'pkcs11-sign',
    name: 'node:crypto P-256 KeyObject (baseline)',
    baseline: true,
    description: `ECDSA P-256 / SHA-256 over a 200-byte message with an in-process KeyObject, ${OPS} signatures per run`,
    opsPerRun: OPS,
    setup() {
      nodeKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    },
    run() {
      for (let i = 0; i < OPS; i++) sign('sha256', message, nodeKey!);
    },
  },
  {
    group: 'pkcs11-sign',
    name: 'SoftHSM P-256, sequential',
    description: `the same signature made on a SoftHSM token through the PKCS#11 SigningKey, ${OPS} awaited one after another`,
    opsPerRun: OPS,
    setup: useSoftHsm,
    async run() {
      for (let i = 0; i < OPS; i++) await key!.sign(message);
    },
  },
  {
    group: 'pkcs11-sign',
    name: `SoftHSM P-256, ${CONCURRENCY} concurrent signers`,
    description: `${CONCURRENCY} signers sharing one opened key (one pooled session each), ${OPS / CONCURRENCY} signatures each`,
    opsPerRun: OPS,
    setup: useSoftHsm,
    async run() {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = 0; i < OPS / CONCURRENCY; i++) await key!.sign(message);
        }),
      );
    },
  },
  {
    group: 'pkcs11-sign',
    name: 'TPM 2.0 P-256, sequential',
    description: `the same signature made on a TPM 2.0 (swtpm behind tpm2-abrmd, tpm2-pkcs11) through the PKCS#11 SigningKey, ${OPS} awaited one after another`,
    opsPerRun: OPS,
    iterations: 10,
    setup: useTpm,
    async run() {
      for (let i = 0; i < OPS; i++) await tpmKey!.sign(message);
    },
  },
  {
    group: 'pkcs11-sign',
    name: `TPM 2.0 P-256, ${CONCURRENCY} concurrent signers`,
    description: `${CONCURRENCY} signers sharing one opened TPM key (one pooled session each), ${OPS / CONCURRENCY} signatures each`,
    opsPerRun: OPS,
    iterations: 10,
    setup: useTpm,
    async run() {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = 0; i < OPS / CONCURRENCY; i++) await tpmKey!.sign(message);
        }),
      );
    },
  },
]);
