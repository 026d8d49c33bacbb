/**
 * Field revocation on the PostgreSQL inventory (docs/revocation.md): the tables of the
 * workspace's migration 014 and their guards, in PostgreSQL's terms, raising HM001 like 001.
 *
 * - revocation_requests: every request signed for this inventory, with the exact bytes
 *   handed to the CA (its SHA-256 is its identity). Immutable.
 * - revocation_request_entries: one certificate of one request; `crl_sha256` is set once,
 *   by the imported CRL that covered it. At most one pending entry per certificate (a
 *   partial unique index: two stations requesting one device at once cannot both record
 *   it). `id` keeps the request's order (SQLite's rowid).
 * - inventory_crls / inventory_crl_revocations: each CRL imported, with its issuer's key
 *   and number, and the certificates each one revoked here (one CRL per certificate).
 *
 * The inventory key is not here: it is a key of the workspace that signs (its key store),
 * and the request rows name its certificate (signer_sha256), so several stations' workspaces
 * may request into one inventory, each with its own key.
 */
export default /* sql */ `
CREATE TABLE inventory_crls (
  sha256                    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  issuer_spki_sha256        text NOT NULL CHECK (issuer_spki_sha256 ~ '^[0-9a-f]{64}$'),
  issuer_name               text NOT NULL,
  issuer_certificate_sha256 text NOT NULL,
  crl_number                bigint NOT NULL CHECK (crl_number >= 0),
  this_update               text NOT NULL,
  next_update               text,
  entries                   integer NOT NULL CHECK (entries >= 0),
  der                       bytea NOT NULL,
  imported_at               text NOT NULL,
  imported_by               text NOT NULL,
  UNIQUE (issuer_spki_sha256, crl_number)
);
CREATE TRIGGER inventory_crls_immutable BEFORE UPDATE OR DELETE ON inventory_crls
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: imported CRLs are never changed or deleted');
CREATE TRIGGER inventory_crls_no_truncate BEFORE TRUNCATE ON inventory_crls
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: imported CRLs are never deleted');

CREATE TABLE inventory_crl_revocations (
  certificate_sha256 text PRIMARY KEY REFERENCES inventory_devices (certificate_sha256),
  crl_sha256         text NOT NULL REFERENCES inventory_crls (sha256)
);
CREATE TRIGGER inventory_crl_revocations_immutable BEFORE UPDATE OR DELETE ON inventory_crl_revocations
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: CRL revocations are never changed or deleted');
CREATE TRIGGER inventory_crl_revocations_no_truncate BEFORE TRUNCATE ON inventory_crl_revocations
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: CRL revocations are never deleted');

CREATE TABLE revocation_requests (
  sha256        text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  request_id    text NOT NULL UNIQUE,
  document      bytea NOT NULL,
  signature     bytea NOT NULL,
  signer_sha256 text NOT NULL,
  entries       integer NOT NULL CHECK (entries >= 1),
  created_at    text NOT NULL,
  created_by    text NOT NULL
);
CREATE TRIGGER revocation_requests_immutable BEFORE UPDATE OR DELETE ON revocation_requests
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: revocation requests are never changed or deleted');
CREATE TRIGGER revocation_requests_no_truncate BEFORE TRUNCATE ON revocation_requests
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: revocation requests are never deleted');

CREATE TABLE revocation_request_entries (
  id                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  request_sha256     text NOT NULL REFERENCES revocation_requests (sha256),
  certificate_sha256 text NOT NULL REFERENCES inventory_devices (certificate_sha256),
  reason             text NOT NULL,
  requested_at       text NOT NULL,
  crl_sha256         text REFERENCES inventory_crls (sha256),
  PRIMARY KEY (request_sha256, certificate_sha256)
);
CREATE UNIQUE INDEX revocation_request_entries_one_pending ON revocation_request_entries (certificate_sha256) WHERE crl_sha256 IS NULL;
CREATE INDEX revocation_request_entries_by_certificate ON revocation_request_entries (certificate_sha256);

CREATE FUNCTION revocation_request_entries_cover_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.request_sha256 IS DISTINCT FROM OLD.request_sha256
    OR NEW.certificate_sha256 IS DISTINCT FROM OLD.certificate_sha256 OR NEW.reason IS DISTINCT FROM OLD.reason
    OR NEW.requested_at IS DISTINCT FROM OLD.requested_at OR OLD.crl_sha256 IS NOT NULL OR NEW.crl_sha256 IS NULL THEN
    RAISE EXCEPTION 'INVENTORY_IMMUTABLE: a revocation request entry only moves from pending to covered by a CRL' USING ERRCODE = 'HM001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER revocation_request_entries_cover_only BEFORE UPDATE ON revocation_request_entries
  FOR EACH ROW EXECUTE FUNCTION revocation_request_entries_cover_only();
CREATE TRIGGER revocation_request_entries_no_delete BEFORE DELETE ON revocation_request_entries
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: revocation request entries are never deleted');
CREATE TRIGGER revocation_request_entries_no_truncate BEFORE TRUNCATE ON revocation_request_entries
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: revocation request entries are never deleted');

CREATE INDEX inventory_devices_by_certificate_serial ON inventory_devices (certificate_serial);
`;
