import type { KeyUnlock } from '../keys/open-signing-key.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import type { CustodianSecret, ShareInput } from '../keys/shares/shared-key-store.js';
import { assertSharePlan } from '../keys/shares/share-plan.js';
import type { KeyStoreKind } from '../keys/key-record.js';
import type { Workspace } from '../store/workspace.js';
import { resolveCustodianPassphrases, resolvePkcs11Binding, resolveShareInputs, resolveSoftwarePassphrase, type LoadedBinding } from './ceremony-binding.js';

/**
 * Everything needed to reach the ceremony's signing key, read from the binding before
 * the pre-flight: a missing PIN file or passphrase stops the ceremony before anyone
 * acknowledges anything or any key exists.
 */
export interface KeyAccess {
  readonly store: KeyStoreKind;
  readonly pkcs11?: Pkcs11Binding;
  /** a new split: the custodians' passphrases, in the script's order */
  readonly newSplit?: readonly CustodianSecret[];
  /** an existing shares key: the custodians' share files and passphrases */
  readonly shares?: readonly ShareInput[];
  readonly softwarePassphrase?: string;
  /** an intermediate ceremony's second token, where the intermediate's own key is made */
  readonly newKeyToken?: Pkcs11Binding;
}

/** For a key about to be made by the ceremony (a root). */
export function accessForNewKey(binding: LoadedBinding, env: NodeJS.ProcessEnv, key: { store: 'pkcs11' } | { store: 'shares'; threshold: number; custodians: readonly string[] }): KeyAccess {
  if (key.store === 'pkcs11') return { store: 'pkcs11', pkcs11: resolvePkcs11Binding(binding, env) };
  const secrets = resolveCustodianPassphrases(binding, env, key.custodians);
  // Weak or repeated passphrases are refused now, not after the key exists.
  assertSharePlan(key.threshold, secrets);
  return { store: 'shares', newSplit: secrets };
}

/** For a key the workspace already holds (the CA that signs a CRL or an intermediate). */
export function accessForExistingKey(binding: LoadedBinding, env: NodeJS.ProcessEnv, record: KeyRecord): KeyAccess {
  switch (record.store) {
    case 'pkcs11':
      return { store: 'pkcs11', pkcs11: resolvePkcs11Binding(binding, env) };
    case 'shares':
      return { store: 'shares', shares: resolveShareInputs(binding, env) };
    case 'software':
      return { store: 'software', softwarePassphrase: resolveSoftwarePassphrase(binding, env) };
  }
}

/** key-backup: the old shares that rebuild the key, and the new custodians' passphrases. */
export function accessForResplit(binding: LoadedBinding, env: NodeJS.ProcessEnv, backup: { threshold: number; custodians: readonly string[] }): KeyAccess {
  const secrets = resolveCustodianPassphrases(binding, env, backup.custodians, 'newCustodians');
  assertSharePlan(backup.threshold, secrets);
  return { store: 'shares', shares: resolveShareInputs(binding, env), newSplit: secrets };
}

export function unlockFor(ws: Workspace, access: KeyAccess): KeyUnlock {
  switch (access.store) {
    case 'pkcs11':
      return { store: 'pkcs11', binding: access.pkcs11! };
    case 'shares':
      return { store: 'shares', shares: [...(access.shares ?? [])] };
    case 'software':
      return { store: 'software', passphrase: access.softwarePassphrase!, keysDir: ws.info().keysPath };
  }
}
