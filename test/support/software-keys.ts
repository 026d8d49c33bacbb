import type { KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { generateSoftwareKey, openSoftwareKey } from '../../main/keys/software/index.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import type { Workspace } from '../../main/store/workspace.js';

export const TEST_PASSPHRASE = 'correct horse battery staple';

/** Generates a real encrypted software key in the workspace, registers it, and opens it. */
export async function newSoftwareKey(ws: Workspace, label: string, algorithm: KeyAlgorithm): Promise<SyncSigningKey> {
  const keysDir = ws.info().keysPath;
  const { spki, location } = await generateSoftwareKey({ label, algorithm, passphrase: TEST_PASSPHRASE, keysDir });
  const record = new KeyRepository(ws).add({ label, store: 'software', algorithm, spki, location }, 'test');
  return openSoftwareKey(record, { passphrase: TEST_PASSPHRASE, keysDir });
}
