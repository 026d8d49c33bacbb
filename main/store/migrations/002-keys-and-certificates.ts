/**
 * Keys (where each lives, never the private part), CAs, every certificate ever issued and
 * every CRL. (issuer_spki_sha256, serial) is unique: a serial is never reused by an issuer.
 */
export default /* sql */ `
CREATE TABLE keys (
  label       TEXT PRIMARY KEY,
  store       TEXT NOT NULL CHECK (store IN ('software', 'pkcs11', 'shares')),
  algorithm   TEXT NOT NULL,
  spki        BLOB NOT NULL,
  spki_sha256 TEXT NOT NULL UNIQUE,
  location    TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE certificates (
  id                 INTEGER PRIMARY KEY,
  sha256             TEXT NOT NULL UNIQUE,
  issuer_spki_sha256 TEXT NOT NULL,
  serial             TEXT NOT NULL,
  issuer_ca          TEXT,
  profile            TEXT NOT NULL,
  subject            TEXT NOT NULL,
  spki_sha256        TEXT NOT NULL,
  not_before         TEXT NOT NULL,
  not_after          TEXT NOT NULL,
  der                BLOB NOT NULL,
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_at         TEXT,
  revocation_reason  TEXT,
  created_at         TEXT NOT NULL,
  UNIQUE (issuer_spki_sha256, serial)
) STRICT;

CREATE INDEX certificates_by_spki ON certificates(spki_sha256);
CREATE INDEX certificates_by_issuer ON certificates(issuer_ca, status);

CREATE TABLE cas (
  name           TEXT PRIMARY KEY,
  profile        TEXT NOT NULL CHECK (profile IN ('root', 'intermediate')),
  parent         TEXT REFERENCES cas(name),
  key_label      TEXT NOT NULL REFERENCES keys(label),
  certificate_id INTEGER NOT NULL UNIQUE REFERENCES certificates(id),
  crl_number     INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL
) STRICT;

CREATE TABLE crls (
  id          INTEGER PRIMARY KEY,
  ca_name     TEXT NOT NULL REFERENCES cas(name),
  crl_number  INTEGER NOT NULL,
  this_update TEXT NOT NULL,
  next_update TEXT NOT NULL,
  sha256      TEXT NOT NULL UNIQUE,
  der         BLOB NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (ca_name, crl_number)
) STRICT;
`;
