/**
 * Field revocation at the inventory (docs/revocation.md).
 *
 * - inventory_keys: the inventory's own key, which signs revocation requests, and its
 *   self-signed certificate (the one the CA side is given with `--requests-trust`).
 *   Append-only like audit_keys: the newest row is current.
 * - revocation_requests: every request the inventory signed, with the exact bytes
 *   handed to the CA (the JSON and its detached CMS) (its SHA-256 is its identity). Immutable.
 * - revocation_request_entries: one certificate of one request; `crl_sha256` is set once,
 *   by the imported CRL that covered it. Until then the entry is pending, and a
 *   certificate has at most one pending entry.
 * - inventory_crls: each CRL imported, with its issuer's key and number (a CRL older than
 *   the newest of its issuer is refused), and inventory_crl_revocations, the certificates
 *   each one revoked here. inventory_devices keeps its shape: the CRL only moves an active
 *   certificate to `revoked` as a manifest would.
 */
export default /* sql */ `
CREATE TABLE inventory_keys (
  id                 INTEGER PRIMARY KEY,
  key_label          TEXT NOT NULL REFERENCES keys(label),
  certificate        BLOB NOT NULL,
  certificate_sha256 TEXT NOT NULL UNIQUE,
  spki_sha256        TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  created_by         TEXT NOT NULL
) STRICT;

CREATE TRIGGER inventory_keys_no_update BEFORE UPDATE ON inventory_keys
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: inventory keys cannot be changed');
END;

CREATE TRIGGER inventory_keys_no_delete BEFORE DELETE ON inventory_keys
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: inventory keys cannot be deleted');
END;

CREATE TABLE inventory_crls (
  sha256                    TEXT PRIMARY KEY,
  issuer_spki_sha256        TEXT NOT NULL,
  issuer_name               TEXT NOT NULL,
  issuer_certificate_sha256 TEXT NOT NULL,
  crl_number                INTEGER NOT NULL CHECK (crl_number >= 0),
  this_update               TEXT NOT NULL,
  next_update               TEXT,
  entries                   INTEGER NOT NULL,
  der                       BLOB NOT NULL,
  imported_at               TEXT NOT NULL,
  imported_by               TEXT NOT NULL,
  UNIQUE (issuer_spki_sha256, crl_number)
) STRICT;

CREATE TRIGGER inventory_crls_no_update BEFORE UPDATE ON inventory_crls
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: imported CRLs are never changed');
END;

CREATE TRIGGER inventory_crls_no_delete BEFORE DELETE ON inventory_crls
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: imported CRLs are never deleted');
END;

CREATE TABLE inventory_crl_revocations (
  certificate_sha256 TEXT PRIMARY KEY REFERENCES inventory_devices(certificate_sha256),
  crl_sha256         TEXT NOT NULL REFERENCES inventory_crls(sha256)
) STRICT;

CREATE TRIGGER inventory_crl_revocations_no_update BEFORE UPDATE ON inventory_crl_revocations
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: CRL revocations are never changed');
END;

CREATE TRIGGER inventory_crl_revocations_no_delete BEFORE DELETE ON inventory_crl_revocations
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: CRL revocations are never deleted');
END;

CREATE TABLE revocation_requests (
  sha256             TEXT PRIMARY KEY,
  request_id         TEXT NOT NULL UNIQUE,
  document           BLOB NOT NULL,
  signature          BLOB NOT NULL,
  signer_sha256      TEXT NOT NULL,
  entries            INTEGER NOT NULL CHECK (entries >= 1),
  created_at         TEXT NOT NULL,
  created_by         TEXT NOT NULL
) STRICT;

CREATE TRIGGER revocation_requests_no_update BEFORE UPDATE ON revocation_requests
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: revocation requests are never changed');
END;

CREATE TRIGGER revocation_requests_no_delete BEFORE DELETE ON revocation_requests
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: revocation requests are never deleted');
END;

CREATE TABLE revocation_request_entries (
  request_sha256     TEXT NOT NULL REFERENCES revocation_requests(sha256),
  certificate_sha256 TEXT NOT NULL REFERENCES inventory_devices(certificate_sha256),
  reason             TEXT NOT NULL,
  requested_at       TEXT NOT NULL,
  crl_sha256         TEXT REFERENCES inventory_crls(sha256),
  PRIMARY KEY (request_sha256, certificate_sha256)
) STRICT;

CREATE UNIQUE INDEX revocation_request_entries_one_pending ON revocation_request_entries(certificate_sha256) WHERE crl_sha256 IS NULL;
CREATE INDEX revocation_request_entries_by_certificate ON revocation_request_entries(certificate_sha256);

CREATE TRIGGER revocation_request_entries_cover_only BEFORE UPDATE ON revocation_request_entries
WHEN NEW.request_sha256 IS NOT OLD.request_sha256 OR NEW.certificate_sha256 IS NOT OLD.certificate_sha256
  OR NEW.reason IS NOT OLD.reason OR NEW.requested_at IS NOT OLD.requested_at
  OR OLD.crl_sha256 IS NOT NULL OR NEW.crl_sha256 IS NULL
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: a revocation request entry only moves from pending to covered by a CRL');
END;

CREATE TRIGGER revocation_request_entries_no_delete BEFORE DELETE ON revocation_request_entries
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: revocation request entries are never deleted');
END;

CREATE INDEX inventory_devices_by_certificate_serial ON inventory_devices(certificate_serial);
`;
