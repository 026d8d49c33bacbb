/**
 * A key restored from its custodian shares onto a token is the same key (same SPKI) in a
 * second place, with its own record, while the shares record stays as its backup. Schema
 * 002 made spki_sha256 UNIQUE, which forbade that. The guarantee it gave (one key, one
 * record: no key registered twice under two labels) is kept for every original record,
 * and a copy is admitted only if it names, in location.restoredFrom, an existing record
 * of the very same public key.
 *
 * SQLite cannot drop a table constraint, so the table is rebuilt. Foreign keys from cas
 * and manifest_signers point at keys(label); with deferred checks, dropping the table
 * counts their rows as violations and re-inserting every key row settles them again
 * before commit (migrations run in one transaction, where foreign_keys cannot be turned off).
 */
export default /* sql */ `
PRAGMA defer_foreign_keys = ON;

CREATE TABLE keys_before_008 AS SELECT * FROM keys;
DROP TABLE keys;

CREATE TABLE keys (
  label       TEXT PRIMARY KEY,
  store       TEXT NOT NULL CHECK (store IN ('software', 'pkcs11', 'shares')),
  algorithm   TEXT NOT NULL,
  spki        BLOB NOT NULL,
  spki_sha256 TEXT NOT NULL,
  location    TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;

INSERT INTO keys (label, store, algorithm, spki, spki_sha256, location, created_at)
  SELECT label, store, algorithm, spki, spki_sha256, location, created_at FROM keys_before_008;
DROP TABLE keys_before_008;

CREATE UNIQUE INDEX keys_one_original_per_spki ON keys (spki_sha256) WHERE json_extract(location, '$.restoredFrom') IS NULL;
CREATE INDEX keys_by_spki ON keys (spki_sha256);

CREATE TRIGGER keys_restored_copy_insert BEFORE INSERT ON keys
WHEN json_extract(NEW.location, '$.restoredFrom') IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a restored key must name, in restoredFrom, an existing key with the same public key')
  WHERE NOT EXISTS (SELECT 1 FROM keys WHERE label = json_extract(NEW.location, '$.restoredFrom') AND spki_sha256 = NEW.spki_sha256 AND label <> NEW.label);
END;

CREATE TRIGGER keys_restored_copy_update BEFORE UPDATE OF location, spki_sha256 ON keys
WHEN json_extract(NEW.location, '$.restoredFrom') IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a restored key must name, in restoredFrom, an existing key with the same public key')
  WHERE NOT EXISTS (SELECT 1 FROM keys WHERE label = json_extract(NEW.location, '$.restoredFrom') AND spki_sha256 = NEW.spki_sha256 AND label <> NEW.label);
END;
`;
