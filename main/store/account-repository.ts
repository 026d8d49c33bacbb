import type { Workspace } from './workspace.js';

export type CredentialKind = 'passphrase' | 'pin';

/** A stored scrypt hash with the parameters it was made with. */
export interface StoredCredential {
  readonly kind: CredentialKind;
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export interface AccountRow {
  readonly name: string;
  readonly roles: readonly string[];
  readonly credential: StoredCredential;
  readonly failedAttempts: number;
  readonly lockedAt: string | null;
  readonly disabledAt: string | null;
  readonly disabledBy: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

interface Row {
  name: string;
  roles: string;
  credential_kind: CredentialKind;
  scrypt_n: number;
  scrypt_r: number;
  scrypt_p: number;
  salt: Buffer;
  hash: Buffer;
  failed_attempts: number;
  locked_at: string | null;
  disabled_at: string | null;
  disabled_by: string | null;
  created_at: string;
  created_by: string;
}

/**
 * Operator accounts (table `operator_accounts`, migration 012). Plain reads and writes;
 * the rules (who may change what, lockout, audit entries) are in main/operators/, which
 * calls these inside its transactions.
 */
export class AccountRepository {
  constructor(private readonly ws: Workspace) {}

  count(): number {
    return (this.ws.db.prepare('SELECT count(*) AS n FROM operator_accounts').get() as { n: number }).n;
  }

  get(name: string): AccountRow | undefined {
    const row = this.ws.db.prepare('SELECT * FROM operator_accounts WHERE name = ?').get(name) as Row | undefined;
    return row ? toAccount(row) : undefined;
  }

  list(): AccountRow[] {
    return (this.ws.db.prepare('SELECT * FROM operator_accounts ORDER BY name').all() as Row[]).map(toAccount);
  }

  insert(a: { name: string; roles: readonly string[]; credential: StoredCredential; createdAt: string; createdBy: string }): void {
    const c = a.credential;
    this.ws.db
      .prepare(
        'INSERT INTO operator_accounts (name, roles, credential_kind, scrypt_n, scrypt_r, scrypt_p, salt, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(a.name, JSON.stringify(a.roles), c.kind, c.n, c.r, c.p, c.salt, c.hash, a.createdAt, a.createdBy);
  }

  setFailedAttempts(name: string, failedAttempts: number, lockedAt: string | null): void {
    this.ws.db.prepare('UPDATE operator_accounts SET failed_attempts = ?, locked_at = ? WHERE name = ?').run(failedAttempts, lockedAt, name);
  }

  setDisabled(name: string, at: string | null, by: string | null): void {
    this.ws.db.prepare('UPDATE operator_accounts SET disabled_at = ?, disabled_by = ? WHERE name = ?').run(at, by, name);
  }

  setCredential(name: string, c: StoredCredential): void {
    this.ws.db
      .prepare(
        'UPDATE operator_accounts SET credential_kind = ?, scrypt_n = ?, scrypt_r = ?, scrypt_p = ?, salt = ?, hash = ?, failed_attempts = 0, locked_at = NULL WHERE name = ?',
      )
      .run(c.kind, c.n, c.r, c.p, c.salt, c.hash, name);
  }
}

function toAccount(r: Row): AccountRow {
  return {
    name: r.name,
    roles: JSON.parse(r.roles) as string[],
    credential: { kind: r.credential_kind, n: r.scrypt_n, r: r.scrypt_r, p: r.scrypt_p, salt: r.salt, hash: r.hash },
    failedAttempts: r.failed_attempts,
    lockedAt: r.locked_at,
    disabledAt: r.disabled_at,
    disabledBy: r.disabled_by,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}
