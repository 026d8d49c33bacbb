/**
 * The inventory (the receiving side of batch manifests) and the factory's record of
 * which exported manifests were acknowledged.
 *
 * - inventory_manifests: every manifest imported, once (by SHA-256); a station's
 *   sequence number names one manifest only (a second, different manifest with the same
 *   station and sequence is a fork and cannot be recorded).
 * - inventory_devices: one row per device certificate, keyed by its SHA-256. Identity
 *   columns never change; the only update is retiring an active certificate
 *   (confirmed/failed → superseded/revoked) when a later manifest says so. At most one
 *   active certificate per (model, hardware serial), enforced by a partial unique index.
 *   Single-column indexes (which carry the rowid) serve each search key in id order.
 * - manifest_acknowledgments: the factory side. `manifests` is immutable (004), so the
 *   sync status cannot be a column there; a manifest is "exported" until a receipt
 *   naming its SHA-256 is recorded here, then "acknowledged". One row per receiving
 *   workspace, so several inventories can each acknowledge the same batch.
 * Nothing here is ever deleted.
 */
export default /* sql */ `
CREATE TABLE inventory_manifests (
  sha256          TEXT PRIMARY KEY,
  station_id      TEXT NOT NULL,
  sequence        INTEGER NOT NULL CHECK (sequence >= 1),
  previous_sha256 TEXT,
  batch_id        TEXT NOT NULL,
  model           TEXT NOT NULL,
  signer_sha256   TEXT,
  signed_at       TEXT,
  entries         INTEGER NOT NULL,
  certificates    INTEGER NOT NULL,
  confirmed       INTEGER NOT NULL,
  failed          INTEGER NOT NULL,
  superseded      INTEGER NOT NULL,
  revoked         INTEGER NOT NULL,
  added           INTEGER NOT NULL,
  unchanged       INTEGER NOT NULL,
  retired         INTEGER NOT NULL,
  imported_at     TEXT NOT NULL,
  imported_by     TEXT NOT NULL,
  UNIQUE (station_id, sequence)
) STRICT;

CREATE INDEX inventory_manifests_by_batch ON inventory_manifests(batch_id);

CREATE TRIGGER inventory_manifests_no_update BEFORE UPDATE ON inventory_manifests
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: imported manifests are never changed');
END;

CREATE TRIGGER inventory_manifests_no_delete BEFORE DELETE ON inventory_manifests
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: imported manifests are never deleted');
END;

CREATE TABLE inventory_devices (
  id                     INTEGER PRIMARY KEY,
  certificate_sha256     TEXT NOT NULL UNIQUE,
  public_key_sha256      TEXT NOT NULL,
  certificate_serial     TEXT NOT NULL,
  der                    BLOB NOT NULL,
  hardware_serial        TEXT NOT NULL,
  model                  TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN ('confirmed', 'failed', 'superseded', 'revoked')),
  device_state           TEXT NOT NULL,
  issued_at              TEXT NOT NULL,
  revoked_at             TEXT,
  revocation_reason      TEXT,
  station_id             TEXT NOT NULL,
  batch_id               TEXT NOT NULL,
  manifest_sha256        TEXT NOT NULL REFERENCES inventory_manifests(sha256),
  status_manifest_sha256 TEXT NOT NULL REFERENCES inventory_manifests(sha256),
  imported_at            TEXT NOT NULL
) STRICT;

CREATE INDEX inventory_devices_by_serial ON inventory_devices(hardware_serial);
CREATE INDEX inventory_devices_by_public_key ON inventory_devices(public_key_sha256);
CREATE INDEX inventory_devices_by_batch ON inventory_devices(batch_id);
CREATE INDEX inventory_devices_by_status ON inventory_devices(status);
CREATE INDEX inventory_devices_by_manifest ON inventory_devices(manifest_sha256);
CREATE UNIQUE INDEX inventory_devices_one_active ON inventory_devices(model, hardware_serial) WHERE status IN ('confirmed', 'failed');

CREATE TRIGGER inventory_devices_retire_only BEFORE UPDATE ON inventory_devices
WHEN NEW.id IS NOT OLD.id OR NEW.certificate_sha256 IS NOT OLD.certificate_sha256
  OR NEW.public_key_sha256 IS NOT OLD.public_key_sha256 OR NEW.certificate_serial IS NOT OLD.certificate_serial
  OR NEW.der IS NOT OLD.der OR NEW.hardware_serial IS NOT OLD.hardware_serial OR NEW.model IS NOT OLD.model
  OR NEW.issued_at IS NOT OLD.issued_at OR NEW.station_id IS NOT OLD.station_id OR NEW.batch_id IS NOT OLD.batch_id
  OR NEW.manifest_sha256 IS NOT OLD.manifest_sha256 OR NEW.imported_at IS NOT OLD.imported_at
  OR OLD.status NOT IN ('confirmed', 'failed') OR NEW.status NOT IN ('superseded', 'revoked')
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: an inventory certificate only moves from active to superseded or revoked');
END;

CREATE TRIGGER inventory_devices_no_delete BEFORE DELETE ON inventory_devices
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: inventory certificates are never deleted');
END;

CREATE TABLE manifest_acknowledgments (
  manifest_sha256        TEXT NOT NULL REFERENCES manifests(sha256),
  receiver_workspace_id  TEXT NOT NULL,
  batch_id               TEXT NOT NULL,
  receipt_sha256         TEXT NOT NULL,
  receipt                BLOB NOT NULL,
  imported_count         INTEGER NOT NULL,
  received_at            TEXT NOT NULL,
  acknowledged_at        TEXT NOT NULL,
  acknowledged_by        TEXT NOT NULL,
  PRIMARY KEY (manifest_sha256, receiver_workspace_id)
) STRICT;

CREATE TRIGGER manifest_acknowledgments_no_update BEFORE UPDATE ON manifest_acknowledgments
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: acknowledgments are never changed');
END;

CREATE TRIGGER manifest_acknowledgments_no_delete BEFORE DELETE ON manifest_acknowledgments
BEGIN
  SELECT RAISE(ABORT, 'INVENTORY_IMMUTABLE: acknowledgments are never deleted');
END;
`;
