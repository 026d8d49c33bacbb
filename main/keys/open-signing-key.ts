import type { KeyRecord } from './key-record.js';
import type { SigningKey } from './signing-key.js';
import { KeyError } from './key-errors.js';
import { openSoftwareKey } from './software/software-key-store.js';
import { openPkcs11Key, type Pkcs11Binding } from './pkcs11/pkcs11-key-store.js';
import { openSharedKey } from './shares/shared-key-store.js';

/** What unlocks a key, per store. The PKCS#11 binding (module, token, PIN) is the station's, never stored. */
export type KeyUnlock =
  | { readonly store: 'software'; readonly passphrase: string; readonly keysDir: string }
  | { readonly store: 'pkcs11'; readonly binding: Pkcs11Binding }
  | { readonly store: 'shares'; readonly shares: readonly { file?: string; text?: string; passphrase: string }[] };

export async function openSigningKey(record: KeyRecord, unlock: KeyUnlock): Promise<SigningKey> {
  if (unlock.store !== record.store) {
    throw new KeyError('KEY_NOT_FOUND', `key "${record.label}" lives in the ${record.store} store, but ${unlock.store} credentials were given`);
  }
  switch (unlock.store) {
    case 'software':
      return openSoftwareKey(record, { passphrase: unlock.passphrase, keysDir: unlock.keysDir });
    case 'pkcs11':
      return openPkcs11Key(record, unlock.binding);
    case 'shares':
      return openSharedKey(record, [...unlock.shares]);
  }
}
