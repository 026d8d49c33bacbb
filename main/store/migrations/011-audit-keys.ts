/**
 * The workspace's audit key (store/audit/create-audit-key.ts): the registered key that signs
 * audit checkpoints and its self-signed certificate, the AUDIT-CERT verifiers are given.
 * Append-only like the log it vouches for: a new key is a new row (the newest is current),
 * and rows are never changed or removed, so a replaced certificate cannot hide which key
 * signed the checkpoints already in the log.
 */
export default /* sql */ `
CREATE TABLE audit_keys (
  id                 INTEGER PRIMARY KEY,
  key_label          TEXT NOT NULL REFERENCES keys(label),
  certificate        BLOB NOT NULL,
  certificate_sha256 TEXT NOT NULL UNIQUE,
  spki_sha256        TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  created_by         TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_keys_no_update BEFORE UPDATE ON audit_keys
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: audit keys cannot be changed');
END;

CREATE TRIGGER audit_keys_no_delete BEFORE DELETE ON audit_keys
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: audit keys cannot be deleted');
END;
`;
