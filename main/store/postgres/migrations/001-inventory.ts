import { GENESIS_HASH } from '../../audit/audit-entry.js';

/**
 * The PostgreSQL inventory, the same tables and guards as the workspace's migration 006
 * (inventory side) and 001 (audit), in PostgreSQL's terms:
 *
 * - inventory_meta: this inventory's id (receipts name it as the receiving workspace).
 * - inventory_manifests / inventory_devices: as in SQLite. Times stay ISO 8601 text, so
 *   both stores hand back the same strings. Each search key has a (key, id) index, so a
 *   keyset page (`id > after ORDER BY id LIMIT n`) walks only the rows it returns.
 *   At most one active certificate per (model, hardware serial): a partial unique index,
 *   which is also what stops two concurrent importers from both adding one.
 * - inventory_audit_log / inventory_audit_head: the hash-chained log; `details` is the
 *   canonical JSON text exactly as hashed (jsonb would re-encode it). The head row exists
 *   from the start (seq 0) so an appender can lock it: appends serialize on that row.
 *
 * Guards raise SQLSTATE HM001: imported manifests and audit entries never change and are
 * never deleted or truncated, a device row only moves from active to superseded/revoked,
 * the audit log only grows at its head and the head only moves forward.
 */
export default /* sql */ `
CREATE TABLE inventory_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO inventory_meta (key, value) VALUES
  ('inventory_id', gen_random_uuid()::text),
  ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

CREATE FUNCTION hallmark_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'HM001';
END $$;

CREATE TABLE inventory_manifests (
  sha256          text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  station_id      text NOT NULL,
  sequence        integer NOT NULL CHECK (sequence >= 1),
  previous_sha256 text,
  batch_id        text NOT NULL,
  model           text NOT NULL,
  signer_sha256   text,
  signed_at       text,
  entries         integer NOT NULL,
  certificates    integer NOT NULL,
  confirmed       integer NOT NULL,
  failed          integer NOT NULL,
  superseded      integer NOT NULL,
  revoked         integer NOT NULL,
  added           integer NOT NULL,
  unchanged       integer NOT NULL,
  retired         integer NOT NULL,
  imported_at     text NOT NULL,
  imported_by     text NOT NULL,
  UNIQUE (station_id, sequence)
);
CREATE INDEX inventory_manifests_by_batch ON inventory_manifests (batch_id);
CREATE TRIGGER inventory_manifests_immutable BEFORE UPDATE OR DELETE ON inventory_manifests
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: imported manifests are never changed or deleted');
CREATE TRIGGER inventory_manifests_no_truncate BEFORE TRUNCATE ON inventory_manifests
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: imported manifests are never deleted');

CREATE TABLE inventory_devices (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  certificate_sha256     text NOT NULL UNIQUE,
  public_key_sha256      text NOT NULL,
  certificate_serial     text NOT NULL,
  der                    bytea NOT NULL,
  hardware_serial        text NOT NULL,
  model                  text NOT NULL,
  status                 text NOT NULL CHECK (status IN ('confirmed', 'failed', 'superseded', 'revoked')),
  device_state           text NOT NULL,
  issued_at              text NOT NULL,
  revoked_at             text,
  revocation_reason      text,
  station_id             text NOT NULL,
  batch_id               text NOT NULL,
  manifest_sha256        text NOT NULL REFERENCES inventory_manifests (sha256),
  status_manifest_sha256 text NOT NULL REFERENCES inventory_manifests (sha256),
  imported_at            text NOT NULL
);
CREATE INDEX inventory_devices_by_serial ON inventory_devices (hardware_serial, id);
CREATE INDEX inventory_devices_by_public_key ON inventory_devices (public_key_sha256, id);
CREATE INDEX inventory_devices_by_batch ON inventory_devices (batch_id, id);
CREATE INDEX inventory_devices_by_status ON inventory_devices (status, id);
CREATE UNIQUE INDEX inventory_devices_one_active ON inventory_devices (model, hardware_serial) WHERE status IN ('confirmed', 'failed');

CREATE FUNCTION inventory_devices_retire_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.certificate_sha256 IS DISTINCT FROM OLD.certificate_sha256
    OR NEW.public_key_sha256 IS DISTINCT FROM OLD.public_key_sha256 OR NEW.certificate_serial IS DISTINCT FROM OLD.certificate_serial
    OR NEW.der IS DISTINCT FROM OLD.der OR NEW.hardware_serial IS DISTINCT FROM OLD.hardware_serial OR NEW.model IS DISTINCT FROM OLD.model
    OR NEW.issued_at IS DISTINCT FROM OLD.issued_at OR NEW.station_id IS DISTINCT FROM OLD.station_id OR NEW.batch_id IS DISTINCT FROM OLD.batch_id
    OR NEW.manifest_sha256 IS DISTINCT FROM OLD.manifest_sha256 OR NEW.imported_at IS DISTINCT FROM OLD.imported_at
    OR OLD.status NOT IN ('confirmed', 'failed') OR NEW.status NOT IN ('superseded', 'revoked') THEN
    RAISE EXCEPTION 'INVENTORY_IMMUTABLE: an inventory certificate only moves from active to superseded or revoked' USING ERRCODE = 'HM001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER inventory_devices_retire_only BEFORE UPDATE ON inventory_devices
  FOR EACH ROW EXECUTE FUNCTION inventory_devices_retire_only();
CREATE TRIGGER inventory_devices_no_delete BEFORE DELETE ON inventory_devices
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: inventory certificates are never deleted');
CREATE TRIGGER inventory_devices_no_truncate BEFORE TRUNCATE ON inventory_devices
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('INVENTORY_IMMUTABLE: inventory certificates are never deleted');

CREATE TABLE inventory_audit_log (
  seq       bigint PRIMARY KEY CHECK (seq >= 1),
  time      text NOT NULL,
  actor     text NOT NULL,
  action    text NOT NULL,
  subject   text NOT NULL,
  details   text NOT NULL,
  prev_hash text NOT NULL,
  hash      text NOT NULL UNIQUE
);
CREATE INDEX inventory_audit_log_by_action ON inventory_audit_log (action, seq);
CREATE INDEX inventory_audit_log_by_actor ON inventory_audit_log (actor, seq);

CREATE TABLE inventory_audit_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO inventory_audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}');

CREATE TRIGGER inventory_audit_log_no_update BEFORE UPDATE ON inventory_audit_log
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('AUDIT_APPEND_ONLY: audit entries cannot be changed');
CREATE TRIGGER inventory_audit_log_no_delete BEFORE DELETE ON inventory_audit_log
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('AUDIT_APPEND_ONLY: audit entries cannot be deleted');
CREATE TRIGGER inventory_audit_log_no_truncate BEFORE TRUNCATE ON inventory_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('AUDIT_APPEND_ONLY: audit entries cannot be deleted');

CREATE FUNCTION inventory_audit_log_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq), 0) + 1 FROM inventory_audit_log)
    OR NEW.prev_hash IS DISTINCT FROM COALESCE((SELECT hash FROM inventory_audit_log ORDER BY seq DESC LIMIT 1), '${GENESIS_HASH}') THEN
    RAISE EXCEPTION 'AUDIT_OUT_OF_ORDER: audit entries must extend the chain head' USING ERRCODE = 'HM001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER inventory_audit_log_in_order BEFORE INSERT ON inventory_audit_log
  FOR EACH ROW EXECUTE FUNCTION inventory_audit_log_in_order();

CREATE FUNCTION inventory_audit_log_track_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE inventory_audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER inventory_audit_log_track_head AFTER INSERT ON inventory_audit_log
  FOR EACH ROW EXECUTE FUNCTION inventory_audit_log_track_head();

CREATE FUNCTION inventory_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> 1 OR NEW.seq <> OLD.seq + 1 OR NEW.hash IS DISTINCT FROM (SELECT hash FROM inventory_audit_log WHERE seq = NEW.seq) THEN
    RAISE EXCEPTION 'AUDIT_APPEND_ONLY: the audit head only follows the log' USING ERRCODE = 'HM001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER inventory_audit_head_forward_only BEFORE UPDATE ON inventory_audit_head
  FOR EACH ROW EXECUTE FUNCTION inventory_audit_head_forward_only();
CREATE TRIGGER inventory_audit_head_no_delete BEFORE DELETE ON inventory_audit_head
  FOR EACH ROW EXECUTE FUNCTION hallmark_refuse('AUDIT_APPEND_ONLY: the audit head cannot be deleted');
CREATE TRIGGER inventory_audit_head_no_truncate BEFORE TRUNCATE ON inventory_audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION hallmark_refuse('AUDIT_APPEND_ONLY: the audit head cannot be deleted');
`;
