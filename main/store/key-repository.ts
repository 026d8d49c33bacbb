import { createHash } from 'node:crypto';
import { KeyError } from '../keys/key-errors.js';
import { isKeyAlgorithm } from '../keys/key-algorithm.js';
import type { KeyRecord, KeyStoreKind } from '../keys/key-record.js';
import { canonicalJson, type JsonValue } from '../encoding/canonical-json.js';
import type { Workspace } from './workspace.js';

interface Row {
  label: string;
  store: KeyStoreKind;
  algorithm: string;
  spki: Buffer;
  spki_sha256: string;
  location: string;
  created_at: string;
}

const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The workspace's register of keys. Adding a key is recorded in the audit log in the same transaction. */
export class KeyRepository {
  constructor(private readonly workspace: Workspace) {}

  static assertLabel(label: string): void {
    if (!LABEL_PATTERN.test(label)) {
      throw new KeyError('KEY_NOT_FOUND', `key label "${label}" must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    }
  }

  exists(label: string): boolean {
    return this.workspace.db.prepare('SELECT 1 FROM keys WHERE label = ?').get(label) !== undefined;
  }

  /** Refuses a label that is taken before any key material is made. */
  assertFree(label: string): void {
    KeyRepository.assertLabel(label);
    if (this.exists(label)) throw new KeyError('KEY_LABEL_EXISTS', `a key labelled "${label}" already exists in this workspace`);
  }

  add(record: Omit<KeyRecord, 'spkiSha256' | 'createdAt'>, actor: string): KeyRecord {
    KeyRepository.assertLabel(record.label);
    const full: KeyRecord = {
      ...record,
      spkiSha256: createHash('sha256').update(record.spki).digest('hex'),
      createdAt: new Date().toISOString(),
    };
    this.workspace.transact(() => {
      this.assertFree(full.label);
      this.workspace.db
        .prepare('INSERT INTO keys (label, store, algorithm, spki, spki_sha256, location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(full.label, full.store, full.algorithm, full.spki, full.spkiSha256, canonicalJson(full.location), full.createdAt);
      this.workspace.audit.append({
        actor,
        action: 'key.generated',
        subject: full.label,
        details: { store: full.store, algorithm: full.algorithm, spkiSha256: full.spkiSha256, location: full.location },
      });
    });
    return full;
  }

  /**
   * Records that a key's material now lives elsewhere (shares re-split to new custodians),
   * with its audit entry in the same transaction. The key itself (its SPKI) never changes.
   */
  relocate(label: string, location: KeyRecord['location'], actor: string, action: string, details: { [key: string]: JsonValue }): void {
    this.workspace.transact(() => {
      const changed = this.workspace.db.prepare('UPDATE keys SET location = ? WHERE label = ?').run(canonicalJson(location), label).changes;
      if (changed !== 1) throw new KeyError('KEY_NOT_FOUND', `no key labelled "${label}" in this workspace`);
      this.workspace.audit.append({ actor, action, subject: label, details });
    });
  }

  /**
   * Must run inside Workspace.transact(), with whatever else the restore changes. Registers
   * a second record of an existing key (the same SPKI) whose location names the original in
   * `restoredFrom`; the schema admits a repeated public key only that way (migration 008).
   */
  addRestored(record: Omit<KeyRecord, 'spkiSha256' | 'createdAt'>, restoredFrom: string, actor: string, details: { [key: string]: JsonValue }): KeyRecord {
    this.assertFree(record.label);
    const original = this.get(restoredFrom);
    if (!original.spki.equals(record.spki))
      throw new KeyError('KEY_NOT_FOUND', `key "${restoredFrom}" has another public key; "${record.label}" cannot be its restored copy`, 'check');
    const full: KeyRecord = {
      ...record,
      location: { ...record.location, restoredFrom },
      spkiSha256: original.spkiSha256,
      createdAt: new Date().toISOString(),
    };
    this.workspace.db
      .prepare('INSERT INTO keys (label, store, algorithm, spki, spki_sha256, location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(full.label, full.store, full.algorithm, full.spki, full.spkiSha256, canonicalJson(full.location), full.createdAt);
    this.workspace.audit.append({
      actor,
      action: 'key.restored',
      subject: full.label,
      details: { store: full.store, algorithm: full.algorithm, spkiSha256: full.spkiSha256, restoredFrom, location: full.location, ...details },
    });
    return full;
  }

  get(label: string): KeyRecord {
    const row = this.workspace.db.prepare('SELECT * FROM keys WHERE label = ?').get(label) as Row | undefined;
    if (!row) throw new KeyError('KEY_NOT_FOUND', `no key labelled "${label}" in this workspace`);
    return toRecord(row);
  }

  list(): KeyRecord[] {
    return (this.workspace.db.prepare('SELECT * FROM keys ORDER BY created_at, label').all() as Row[]).map(toRecord);
  }

  /** What already signs with key `label` ("CA mfg", "manifest signer #2"), or null: for roles that need a key of their own. */
  signingRoleOf(label: string): string | null {
    const what = this.workspace.db
      .prepare(
        "SELECT 'CA ' || name AS what FROM cas WHERE key_label = ? UNION ALL SELECT 'manifest signer #' || id FROM manifest_signers WHERE key_label = ? LIMIT 1",
      )
      .pluck()
      .get(label, label) as string | undefined;
    return what ?? null;
  }
}

function toRecord(row: Row): KeyRecord {
  if (!isKeyAlgorithm(row.algorithm)) throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `key "${row.label}" has unknown algorithm ${row.algorithm}`);
  return {
    label: row.label,
    store: row.store,
    algorithm: row.algorithm,
    spki: row.spki,
    spkiSha256: row.spki_sha256,
    location: JSON.parse(row.location) as KeyRecord['location'],
    createdAt: row.created_at,
  };
}
