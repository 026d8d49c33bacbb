/**
 * The factory station: work orders (batches) with their frozen policy and plan, devices,
 * every device state transition, every public key ever seen, and reworks.
 *
 * Structural guards, so a bug elsewhere cannot break them:
 * - a device exists only for a serial in its batch's plan (foreign key to batch_plan), once
 *   per (model, serial);
 * - a device points at one certificate; the pointer can move only off a revoked
 *   certificate, and device_certificates allows one non-superseded certificate per device
 *   (partial unique index), superseded only once revoked: no serial holds two active
 *   certificates;
 * - a batch's policy, plan and quota never change; a closed batch never reopens;
 * - seen keys, events, plan entries and reworks are never deleted.
 */
export default /* sql */ `
CREATE TABLE batches (
  id            TEXT PRIMARY KEY,
  model         TEXT NOT NULL,
  policy_text   TEXT NOT NULL,
  policy_sha256 TEXT NOT NULL,
  issuing_ca    TEXT NOT NULL REFERENCES cas(name),
  quantity      INTEGER NOT NULL CHECK (quantity > 0),
  plan_kind     TEXT NOT NULL CHECK (plan_kind IN ('csv', 'range')),
  plan_source   TEXT NOT NULL,
  planned       INTEGER NOT NULL CHECK (planned >= quantity),
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  closed_at     TEXT,
  closed_by     TEXT,
  final_counts  TEXT,
  CHECK ((status = 'open') = (closed_at IS NULL)),
  CHECK ((status = 'open') = (final_counts IS NULL))
) STRICT;

CREATE TRIGGER batches_frozen BEFORE UPDATE ON batches
WHEN OLD.status = 'closed'
  OR NEW.id IS NOT OLD.id OR NEW.model IS NOT OLD.model OR NEW.policy_text IS NOT OLD.policy_text
  OR NEW.policy_sha256 IS NOT OLD.policy_sha256 OR NEW.issuing_ca IS NOT OLD.issuing_ca
  OR NEW.quantity IS NOT OLD.quantity OR NEW.plan_kind IS NOT OLD.plan_kind
  OR NEW.plan_source IS NOT OLD.plan_source OR NEW.planned IS NOT OLD.planned
  OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN
  SELECT RAISE(ABORT, 'BATCH_IMMUTABLE: a work order''s policy, plan and quota never change, and a closed one stays closed');
END;

CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN
  SELECT RAISE(ABORT, 'BATCH_IMMUTABLE: work orders are never deleted');
END;

CREATE TABLE batch_plan (
  batch_id        TEXT NOT NULL REFERENCES batches(id),
  hardware_serial TEXT NOT NULL,
  PRIMARY KEY (batch_id, hardware_serial)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER batch_plan_fixed BEFORE INSERT ON batch_plan
WHEN (SELECT status FROM batches WHERE id = NEW.batch_id) IS NOT 'open'
  OR EXISTS (SELECT 1 FROM devices WHERE batch_id = NEW.batch_id)
BEGIN
  SELECT RAISE(ABORT, 'BATCH_IMMUTABLE: a plan is written when its work order is created');
END;

CREATE TRIGGER batch_plan_no_update BEFORE UPDATE ON batch_plan
BEGIN
  SELECT RAISE(ABORT, 'BATCH_IMMUTABLE: plan entries never change');
END;

CREATE TRIGGER batch_plan_no_delete BEFORE DELETE ON batch_plan
BEGIN
  SELECT RAISE(ABORT, 'BATCH_IMMUTABLE: plan entries are never deleted');
END;

CREATE TABLE devices (
  id                 INTEGER PRIMARY KEY,
  batch_id           TEXT NOT NULL REFERENCES batches(id),
  model              TEXT NOT NULL,
  hardware_serial    TEXT NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('checked', 'csr-accepted', 'issued', 'chain-written', 'done', 'failed')),
  spki_sha256        TEXT,
  certificate_id     INTEGER UNIQUE REFERENCES certificates(id),
  nonce              TEXT,
  attempts           INTEGER NOT NULL DEFAULT 0,
  last_error_code    TEXT,
  last_error_message TEXT,
  last_port          TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  UNIQUE (model, hardware_serial),
  FOREIGN KEY (batch_id, hardware_serial) REFERENCES batch_plan(batch_id, hardware_serial),
  CHECK (state NOT IN ('issued', 'chain-written', 'done') OR certificate_id IS NOT NULL)
) STRICT;

CREATE INDEX devices_by_batch ON devices(batch_id, state);

CREATE TRIGGER devices_one_active_certificate BEFORE UPDATE OF certificate_id ON devices
WHEN OLD.certificate_id IS NOT NULL AND NEW.certificate_id IS NOT OLD.certificate_id
  AND (SELECT status FROM certificates WHERE id = OLD.certificate_id) IS NOT 'revoked'
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_CERTIFICATE_ACTIVE: a device''s certificate is replaced only after it was revoked (rework)');
END;

CREATE TRIGGER devices_no_batch_change BEFORE UPDATE OF batch_id, model, hardware_serial ON devices
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_IMMUTABLE: a device keeps its batch, model and serial');
END;

CREATE TRIGGER devices_no_delete BEFORE DELETE ON devices
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_IMMUTABLE: devices are never deleted');
END;

CREATE TABLE reworks (
  id                 INTEGER PRIMARY KEY,
  device_id          INTEGER NOT NULL REFERENCES devices(id),
  batch_id           TEXT NOT NULL REFERENCES batches(id),
  reason_code        TEXT NOT NULL,
  revocation_reason  TEXT NOT NULL CHECK (revocation_reason IN ('superseded', 'keyCompromise')),
  old_certificate_id INTEGER NOT NULL UNIQUE REFERENCES certificates(id),
  new_certificate_id INTEGER UNIQUE REFERENCES certificates(id),
  operator           TEXT NOT NULL,
  note               TEXT,
  created_at         TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX reworks_one_open_per_device ON reworks(device_id) WHERE new_certificate_id IS NULL;

CREATE TRIGGER reworks_append_only BEFORE UPDATE ON reworks
WHEN OLD.new_certificate_id IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.device_id IS NOT OLD.device_id
  OR NEW.old_certificate_id IS NOT OLD.old_certificate_id OR NEW.reason_code IS NOT OLD.reason_code
  OR NEW.revocation_reason IS NOT OLD.revocation_reason OR NEW.operator IS NOT OLD.operator
BEGIN
  SELECT RAISE(ABORT, 'REWORK_IMMUTABLE: a rework record only gains its new certificate, once');
END;

CREATE TRIGGER reworks_no_delete BEFORE DELETE ON reworks
BEGIN
  SELECT RAISE(ABORT, 'REWORK_IMMUTABLE: rework records are never deleted');
END;

CREATE TABLE device_certificates (
  certificate_id       INTEGER PRIMARY KEY REFERENCES certificates(id),
  device_id            INTEGER NOT NULL REFERENCES devices(id),
  batch_id             TEXT NOT NULL REFERENCES batches(id),
  spki_sha256          TEXT NOT NULL,
  superseded_by_rework INTEGER UNIQUE REFERENCES reworks(id),
  created_at           TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX device_certificates_one_current ON device_certificates(device_id) WHERE superseded_by_rework IS NULL;
CREATE INDEX device_certificates_by_batch ON device_certificates(batch_id);

CREATE TRIGGER device_certificates_supersede BEFORE UPDATE ON device_certificates
WHEN NEW.certificate_id IS NOT OLD.certificate_id OR NEW.device_id IS NOT OLD.device_id
  OR NEW.batch_id IS NOT OLD.batch_id OR NEW.spki_sha256 IS NOT OLD.spki_sha256
  OR OLD.superseded_by_rework IS NOT NULL
  OR (SELECT status FROM certificates WHERE id = OLD.certificate_id) IS NOT 'revoked'
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_CERTIFICATE_ACTIVE: a device certificate is superseded once, after it was revoked');
END;

CREATE TRIGGER device_certificates_no_delete BEFORE DELETE ON device_certificates
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_CERTIFICATE_IMMUTABLE: device certificates are never deleted');
END;

CREATE TABLE seen_keys (
  spki_sha256       TEXT PRIMARY KEY,
  first_seen_batch  TEXT NOT NULL REFERENCES batches(id),
  first_seen_serial TEXT NOT NULL,
  first_seen_at     TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER seen_keys_no_update BEFORE UPDATE ON seen_keys
BEGIN
  SELECT RAISE(ABORT, 'SEEN_KEYS_APPEND_ONLY: a seen key is never forgotten');
END;

CREATE TRIGGER seen_keys_no_delete BEFORE DELETE ON seen_keys
BEGIN
  SELECT RAISE(ABORT, 'SEEN_KEYS_APPEND_ONLY: a seen key is never forgotten');
END;

CREATE TABLE device_events (
  id              INTEGER PRIMARY KEY,
  batch_id        TEXT NOT NULL REFERENCES batches(id),
  device_id       INTEGER REFERENCES devices(id),
  hardware_serial TEXT,
  port            TEXT NOT NULL,
  step            TEXT NOT NULL,
  from_state      TEXT,
  to_state        TEXT,
  code            TEXT,
  message         TEXT,
  time            TEXT NOT NULL
) STRICT;

CREATE INDEX device_events_by_batch ON device_events(batch_id, id);
CREATE INDEX device_events_by_device ON device_events(device_id, id);

CREATE TRIGGER device_events_no_update BEFORE UPDATE ON device_events
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_EVENTS_APPEND_ONLY: device events cannot be changed');
END;

CREATE TRIGGER device_events_no_delete BEFORE DELETE ON device_events
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_EVENTS_APPEND_ONLY: device events cannot be deleted');
END;
`;
