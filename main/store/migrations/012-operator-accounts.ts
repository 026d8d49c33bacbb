/**
 * Operator accounts (docs/operators.md): who may sign in at a station or the CLI, with
 * which roles, and the credential that proves it. Only the scrypt hash is stored, with
 * the parameters it was made with, so they can be raised later without breaking old
 * hashes. The failed-attempt counter lives here so a lockout survives a restart.
 * Accounts are disabled, never deleted: the audit log keeps naming them.
 */
export default /* sql */ `
CREATE TABLE operator_accounts (
  name            TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  roles           TEXT NOT NULL CHECK (json_valid(roles) AND json_type(roles) = 'array'),
  credential_kind TEXT NOT NULL CHECK (credential_kind IN ('passphrase', 'pin')),
  scrypt_n        INTEGER NOT NULL CHECK (scrypt_n >= 16384),
  scrypt_r        INTEGER NOT NULL CHECK (scrypt_r >= 1),
  scrypt_p        INTEGER NOT NULL CHECK (scrypt_p >= 1),
  salt            BLOB NOT NULL CHECK (length(salt) >= 16),
  hash            BLOB NOT NULL CHECK (length(hash) = 32),
  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_at       TEXT,
  disabled_at     TEXT,
  disabled_by     TEXT,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
) STRICT;
`;
