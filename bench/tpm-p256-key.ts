import { createHash } from 'node:crypto';
import type { KeyRecord } from '../main/keys/key-record.js';
import type { SigningKey } from '../main/keys/signing-key.js';
import { generatePkcs11Key, openPkcs11Key } from '../main/keys/pkcs11/pkcs11-key-store.js';
import { startTpmToken } from '../test/support/tpm-token.js';
import { sharedFixture } from './bench-case.js';

/**
 * One software TPM (swtpm behind tpm2-abrmd, test/support/tpm-token.ts) with one P-256 key,
 * shared by every bench file: tpm2-pkcs11 reads its store and TCTI from the environment
 * once per process.
 */
export const tpmP256Key = sharedFixture(
  async (): Promise<{ key: SigningKey; stop(): Promise<void> }> => {
    const tpm = await startTpmToken({ label: 'bench-tpm' });
    const binding = { modulePath: tpm.modulePath, tokenSerial: tpm.serial, pin: tpm.pin };
    const { spki, location } = await generatePkcs11Key({ label: 'bench-tpm-p256', algorithm: 'ecdsa-p256', binding });
    const record: KeyRecord = {
      label: 'bench-tpm-p256',
      store: 'pkcs11',
      algorithm: 'ecdsa-p256',
      spki,
      spkiSha256: createHash('sha256').update(spki).digest('hex'),
      location: { ...location },
      createdAt: new Date().toISOString(),
    };
    const key = await openPkcs11Key(record, binding);
    return {
      key,
      async stop() {
        key.close();
        await tpm.stop();
      },
    };
  },
  (fixture) => fixture.stop(),
);
