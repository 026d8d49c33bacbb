import type { JsonValue } from '../encoding/canonical-json.js';
import { HallmarkError } from '../errors/hallmark-error.js';
import type { KeyRecord } from '../keys/key-record.js';
import {
  assertTokenAcceptsKeyImport,
  destroyImportedKey,
  importKeyToToken,
  type ImportedPkcs11Key,
  type Pkcs11Binding,
} from '../keys/pkcs11/pkcs11-key-store.js';
import { withReassembledSharedKey, type ShareInput } from '../keys/shares/shared-key-store.js';
import { CaRepository } from '../store/ca-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { CeremonyError } from './ceremony-errors.js';

/**
 * key-restore: a key held as custodian shares is put onto a new PKCS#11 token.
 *
 * The key is reassembled in memory from M or more shares by the shares store, which
 * checks each share against the record and the rebuilt key's public key against the
 * record's SPKI, so a wrong passphrase, a damaged share or too few shares fail there with
 * their own codes before the token is touched. importKeyToToken refuses a label already on
 * the token before creating anything, and proves the imported key (sensitive,
 * non-extractable, same SPKI, a test signature verifies) or leaves nothing behind. The
 * plaintext exists only inside the shares store's callback and is wiped when it returns.
 *
 * Then, in one transaction: a new pkcs11 key record (same SPKI, location `imported: true`
 * and `restoredFrom`), and every CA that used the shares key rebound to the token key.
 * Rebinding rather than leaving the CA on the shares: a CA row names one key, and the
 * point of restoring onto a token is that the next CRL or intermediate is signed there
 * without assembling the custodians. The CA, its certificate and its serial space (keyed
 * by the issuer's SPKI) do not change, because the key does not. The shares record stays:
 * it is the backup, can be restored again onto a replacement token, and can still be
 * re-split by key-backup. If recording fails, the key is removed from the token again.
 */
export async function restoreSharedKey(args: {
  ws: Workspace;
  /** the shares key's record in the workspace */
  record: KeyRecord;
  shares: readonly ShareInput[];
  binding: Pkcs11Binding;
  /** the new token key's label (on the token and in the workspace) */
  label: string;
  actor: string;
}): Promise<{ record: KeyRecord; result: { [k: string]: JsonValue } }> {
  const { ws, record, binding, label, actor } = args;
  if (record.store !== 'shares') {
    throw new CeremonyError(
      'CEREMONY_RESTORE_FAILED',
      `key "${record.label}" is a ${record.store} key; only a key held as custodian shares is restored onto a token`,
    );
  }
  const keys = new KeyRepository(ws);
  // Before any share is opened: a taken workspace label would otherwise be found only after the import.
  keys.assertFree(label);
  // A token that cannot take an imported key (a TPM) is refused before the shares are opened.
  assertTokenAcceptsKeyImport(binding);
  const cas = new CaRepository(ws);

  const imported: ImportedPkcs11Key = await withReassembledSharedKey(record, [...args.shares], (pkcs8) =>
    importKeyToToken({ binding, label, algorithm: record.algorithm, pkcs8, spki: record.spki }),
  );

  let restored: KeyRecord;
  let rebound: string[];
  try {
    ({ restored, rebound } = ws.transact(() => {
      const users = cas.usingKey(record.label);
      const r = keys.addRestored(
        { label, store: 'pkcs11', algorithm: record.algorithm, spki: imported.spki, location: { ...imported.location } },
        record.label,
        actor,
        {
          CKA_ALWAYS_SENSITIVE: imported.attributes.alwaysSensitive,
          CKA_NEVER_EXTRACTABLE: imported.attributes.neverExtractable,
          sharesUsed: args.shares.length,
        },
      );
      for (const ca of users) {
        cas.rebindKey(ca.name, record.label, label);
        ws.audit.append({
          actor,
          action: 'ca.key-rebound',
          subject: ca.name,
          details: {
            from: record.label,
            to: label,
            spkiSha256: record.spkiSha256,
            why: 'key restored from custodian shares onto a PKCS#11 token; the shares key stays as its backup',
          },
        });
      }
      return { restored: r, rebound: users.map((u) => u.name) };
    }));
  } catch (e) {
    let removed = 'the key was removed from the token again';
    try {
      destroyImportedKey(binding, imported.location);
    } catch (cleanup) {
      removed = `removing the key from the token failed too (${(cleanup as Error).message}); delete CKA_ID ${imported.location.id} on token serial ${imported.location.tokenSerial} by hand`;
    }
    const why = e instanceof Error ? e.message : String(e);
    throw new CeremonyError(
      'CEREMONY_RESTORE_FAILED',
      `key "${label}" was imported onto the token but could not be recorded in the workspace (${why}); ${removed}`,
      'environment',
      {
        cause: e instanceof HallmarkError ? e.code : 'INTERNAL',
      },
    );
  }

  return {
    record: restored,
    result: {
      label,
      algorithm: record.algorithm,
      spkiSha256: restored.spkiSha256,
      tokenSerial: imported.location.tokenSerial,
      tokenLabel: imported.location.tokenLabel,
      CKA_SENSITIVE: imported.attributes.sensitive,
      CKA_EXTRACTABLE: imported.attributes.extractable,
      CKA_ALWAYS_SENSITIVE: imported.attributes.alwaysSensitive,
      CKA_NEVER_EXTRACTABLE: imported.attributes.neverExtractable,
      imported: true,
      restoredFrom: record.label,
      sharesUsed: args.shares.length,
      reboundCas: rebound,
    },
  };
}
