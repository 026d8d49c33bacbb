import type { Db } from '../database.js';

export interface AuditKeyRow {
  readonly id: number;
  readonly keyLabel: string;
  /** DER of the self-signed audit certificate */
  readonly certificate: Buffer;
  readonly certificateSha256: string;
  readonly spkiSha256: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

interface Row {
  id: number;
  key_label: string;
  certificate: Buffer;
  certificate_sha256: string;
  spki_sha256: string;
  created_at: string;
  created_by: string;
}

const toRow = (r: Row): AuditKeyRow => ({
  id: r.id,
  keyLabel: r.key_label,
  certificate: r.certificate,
  certificateSha256: r.certificate_sha256,
  spkiSha256: r.spki_sha256,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** The workspace's audit keys (migration 011): the newest is the one that signs. */
export class AuditKeyRepository {
  constructor(private readonly db: Db) {}

  current(): AuditKeyRow | null {
    const r = this.db.prepare('SELECT * FROM audit_keys ORDER BY id DESC LIMIT 1').get() as Row | undefined;
    return r ? toRow(r) : null;
  }

  all(): AuditKeyRow[] {
    return (this.db.prepare('SELECT * FROM audit_keys ORDER BY id').all() as Row[]).map(toRow);
  }

  insert(row: Omit<AuditKeyRow, 'id'>): AuditKeyRow {
    const info = this.db
      .prepare('INSERT INTO audit_keys (key_label, certificate, certificate_sha256, spki_sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.keyLabel, row.certificate, row.certificateSha256, row.spkiSha256, row.createdAt, row.createdBy);
    return { ...row, id: Number(info.lastInsertRowid) };
  }
}
