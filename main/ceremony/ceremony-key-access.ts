import { existsSync } from 'node:fs';
import type { KeyUnlock } from '../keys/open-signing-key.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import type { CustodianSecret, ShareInput } from '../keys/shares/shared-key-store.js';
import { assertSharePlan } from '../keys/shares/share-plan.js';
import type { KeyStoreKind } from '../keys/key-record.js';
import type { Workspace } from '../store/workspace.js';
import { CeremonyError } from './ceremony-errors.js';
import { splitShareInputs } from './split-root-key.js';
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
export function accessForNewKey(
  binding: LoadedBinding,
  env: NodeJS.ProcessEnv,
  key: { store: 'pkcs11' } | { store: 'shares'; threshold: number; custodians: readonly string[] },
): KeyAccess {
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

/**
 * How to open `record` with the ceremony's credentials. A ceremony's credentials can reach
 * more than one key (the root's token and an intermediate's; custodians' passphrases that
 * made a split on the medium and then open it), so the key being opened decides which:
 * a token key uses the bound token with its serial; a shares key uses the files of a split
 * this ceremony made on `mediumDir`, or else the share files the binding names.
 */
export function unlockFor(ws: Workspace, access: KeyAccess, record: KeyRecord, mediumDir: string): KeyUnlock {
  switch (record.store) {
    case 'pkcs11': {
      const serial = (record.location as { tokenSerial?: unknown }).tokenSerial;
      const tokens = [access.pkcs11, access.newKeyToken].filter((t): t is Pkcs11Binding => t !== undefined);
      const binding = tokens.find((t) => t.tokenSerial === serial) ?? tokens[0];
      if (!binding) throw new CeremonyError('CEREMONY_BINDING_INVALID', `key "${record.label}" is on a PKCS#11 token; the binding names none`);
      return { store: 'pkcs11', binding };
    }
    case 'shares': {
      // A split made on this medium by this ceremony (a root's, or a key-backup's new one) is
      // opened from there with the new passphrases; any other from the files the binding names.
      const made = access.newSplit ? splitShareInputs(record, mediumDir, access.newSplit) : [];
      const onMedium = made.length > 0 && made.every((m) => m.file !== undefined && existsSync(m.file));
      return { store: 'shares', shares: [...(onMedium ? made : (access.shares ?? made))] };
    }
    case 'software':
      return { store: 'software', passphrase: access.softwarePassphrase!, keysDir: ws.info().keysPath };
  }
}
