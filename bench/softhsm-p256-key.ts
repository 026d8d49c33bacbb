import { createHash } from 'node:crypto';
import type { KeyRecord } from '../main/keys/key-record.js';
import type { SigningKey } from '../main/keys/signing-key.js';
import { generatePkcs11Key, openPkcs11Key } from '../main/keys/pkcs11/pkcs11-key-store.js';
import { createSoftHsm } from '../test/support/softhsm.js';
import { sharedFixture } from './bench-case.js';

/**
 * One SoftHSM token with one P-256 key, shared by every bench file: SoftHSM reads its
 * configuration once per process (see test/support/softhsm.ts), so a second fixture in
 * the same `npm run bench` would be refused.
 */
export const softHsmP256Key = sharedFixture(
  async (): Promise<{ key: SigningKey; dispose(): void }> => {
    const hsm = createSoftHsm([{ label: 'bench' }]);
    const token = hsm.tokens[0]!;
    const binding = { modulePath: hsm.modulePath, tokenSerial: token.serial, pin: token.pin };
    const { spki, location } = await generatePkcs11Key({ label: 'bench-p256', algorithm: 'ecdsa-p256', binding });
    const record: KeyRecord = {
      label: 'bench-p256',
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
      dispose() {
        key.close();
        hsm.dispose();
      },
    };
  },
  (fixture) => fixture.dispose(),
);
