import { HallmarkError } from '../errors/hallmark-error.js';
import type { Workspace } from './workspace.js';

export interface CaRow {
  readonly name: string;
  readonly profile: 'root' | 'intermediate';
  readonly parent: string | null;
  readonly keyLabel: string;
  readonly certificateId: number;
  readonly crlNumber: number;
  readonly createdAt: string;
}

/** A CRL as the workspace keeps it (dates ISO 8601 UTC). */
export interface CrlRow {
  readonly caName: string;
  readonly crlNumber: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string;
  readonly sha256: string;
  readonly der: Buffer;
}

interface Row {
  name: string;
  profile: 'root' | 'intermediate';
  parent: string | null;
  key_label: string;
  certificate_id: number;
  crl_number: number;
  created_at: string;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class CaRepository {
  constructor(private readonly workspace: Workspace) {}

  static assertName(name: string): void {
    if (!NAME_PATTERN.test(name)) throw new HallmarkError('CA_NAME_INVALID', `CA name "${name}" must be 1–64 letters, digits, ".", "_" or "-"`);
  }

  assertFree(name: string): void {
    CaRepository.assertName(name);
    if (this.workspace.db.prepare('SELECT 1 FROM cas WHERE name = ?').get(name)) {
      throw new HallmarkError('CA_EXISTS', `a CA named "${name}" already exists in this workspace`);
    }
  }

  /** Must run inside Workspace.transact(). */
  insert(ca: Omit<CaRow, 'crlNumber' | 'createdAt'>): CaRow {
    this.assertFree(ca.name);
    const createdAt = new Date().toISOString();
    this.workspace.db
      .prepare('INSERT INTO cas (name, profile, parent, key_label, certificate_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(ca.name, ca.profile, ca.parent, ca.keyLabel, ca.certificateId, createdAt);
    return { ...ca, crlNumber: 0, createdAt };
  }

  get(name: string): CaRow {
    const row = this.workspace.db.prepare('SELECT * FROM cas WHERE name = ?').get(name) as Row | undefined;
    if (!row) throw new HallmarkError('CA_NOT_FOUND', `no CA named "${name}" in this workspace`);
    return toCa(row);
  }

  list(): CaRow[] {
    return (this.workspace.db.prepare('SELECT * FROM cas ORDER BY created_at, name').all() as Row[]).map(toCa);
  }

  /** Must run inside Workspace.transact(): takes the next CRL number. */
  nextCrlNumber(name: string): number {
    this.workspace.db.prepare('UPDATE cas SET crl_number = crl_number + 1 WHERE name = ?').run(name);
    return this.get(name).crlNumber;
  }

  /** The CA's CRL with the highest number, the one relying parties should hold; undefined before its first CRL. */
  latestCrl(caName: string): CrlRow | undefined {
    const r = this.workspace.db
      .prepare('SELECT ca_name, crl_number, this_update, next_update, sha256, der FROM crls WHERE ca_name = ? ORDER BY crl_number DESC LIMIT 1')
      .get(caName) as { ca_name: string; crl_number: number; this_update: string; next_update: string; sha256: string; der: Buffer } | undefined;
    return r && { caName: r.ca_name, crlNumber: r.crl_number, thisUpdate: r.this_update, nextUpdate: r.next_update, sha256: r.sha256, der: r.der };
  }

  insertCrl(crl: { caName: string; crlNumber: number; thisUpdate: Date; nextUpdate: Date; sha256: string; der: Buffer }): void {
    this.workspace.db
      .prepare('INSERT INTO crls (ca_name, crl_number, this_update, next_update, sha256, der, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(crl.caName, crl.crlNumber, crl.thisUpdate.toISOString(), crl.nextUpdate.toISOString(), crl.sha256, crl.der, new Date().toISOString());
  }

  /** The CAs whose key is the one labelled `keyLabel`. */
  usingKey(keyLabel: string): CaRow[] {
    return (this.workspace.db.prepare('SELECT * FROM cas WHERE key_label = ? ORDER BY created_at, name').all(keyLabel) as Row[]).map(toCa);
  }

  /**
   * Must run inside Workspace.transact(), with its audit entry. Points a CA at another
   * record of the same key (the caller proves the public keys are equal): the CA, its
   * certificate and its serial space are unchanged, only where its key is reached moves.
   */
  rebindKey(name: string, fromKeyLabel: string, toKeyLabel: string): void {
    const changed = this.workspace.db.prepare('UPDATE cas SET key_label = ? WHERE name = ? AND key_label = ?').run(toKeyLabel, name, fromKeyLabel).changes;
    if (changed !== 1) throw new HallmarkError('CA_NOT_FOUND', `no CA named "${name}" with key "${fromKeyLabel}" in this workspace`);
  }
}

function toCa(r: Row): CaRow {
  return {
    name: r.name,
    profile: r.profile,
    parent: r.parent,
    keyLabel: r.key_label,
    certificateId: r.certificate_id,
    crlNumber: r.crl_number,
    createdAt: r.created_at,
  };
}
