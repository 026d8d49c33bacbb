/**
 * Matter work orders (docs/matter.md): the Certification Declaration each Matter work
 * order writes to its devices, and the factory data the station generated per device.
 *
 * The setup passcode has no column: a factory-data row holds the discriminator, the
 * SPAKE2+ salt, iterations and verifier, the rotating-ID unique ID and where the label
 * sheet went. A row is committed before the device is written, then becomes `written`
 * (the device read it back) or `abandoned` (the passcode died with the attempt, or the
 * device no longer holds it, so the next attempt makes fresh factory data). Declarations never change; factory data moves
 * only forward, and a device has at most one row that is not abandoned.
 */
export default /* sql */ `
CREATE TABLE matter_declarations (
  batch_id       TEXT PRIMARY KEY REFERENCES batches(id),
  cd             BLOB NOT NULL CHECK (length(cd) BETWEEN 1 AND 2048),
  cd_sha256      TEXT NOT NULL,
  vendor_id      TEXT NOT NULL,
  product_ids    TEXT NOT NULL CHECK (json_valid(product_ids)),
  certificate_id TEXT NOT NULL,
  created_at     TEXT NOT NULL
) STRICT;

CREATE TRIGGER matter_declarations_no_update BEFORE UPDATE ON matter_declarations
BEGIN
  SELECT RAISE(ABORT, 'MATTER_DECLARATION_FROZEN: a work order keeps the Certification Declaration it was created with');
END;

CREATE TRIGGER matter_declarations_no_delete BEFORE DELETE ON matter_declarations
BEGIN
  SELECT RAISE(ABORT, 'MATTER_DECLARATION_FROZEN: a work order keeps the Certification Declaration it was created with');
END;

CREATE TABLE matter_factory_data (
  id                    INTEGER PRIMARY KEY,
  batch_id              TEXT NOT NULL REFERENCES batches(id),
  device_id             INTEGER NOT NULL REFERENCES devices(id),
  certificate_id        INTEGER NOT NULL REFERENCES certificates(id),
  discriminator         INTEGER NOT NULL CHECK (discriminator BETWEEN 0 AND 4095),
  iterations            INTEGER NOT NULL CHECK (iterations BETWEEN 1000 AND 100000),
  salt                  BLOB NOT NULL CHECK (length(salt) BETWEEN 16 AND 32),
  verifier              BLOB NOT NULL CHECK (length(verifier) = 97),
  verifier_sha256       TEXT NOT NULL,
  rotating_id_unique_id BLOB NOT NULL CHECK (length(rotating_id_unique_id) BETWEEN 16 AND 32),
  cd_sha256             TEXT NOT NULL,
  label_path            TEXT NOT NULL,
  state                 TEXT NOT NULL CHECK (state IN ('committed', 'written', 'abandoned')),
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX matter_factory_data_one_live ON matter_factory_data(device_id) WHERE state <> 'abandoned';
CREATE INDEX matter_factory_data_by_batch ON matter_factory_data(batch_id, device_id);

CREATE TRIGGER matter_factory_data_forward_only BEFORE UPDATE ON matter_factory_data
WHEN NOT ((OLD.state = 'committed' AND NEW.state IN ('written', 'abandoned')) OR (OLD.state = 'written' AND NEW.state = 'abandoned'))
  OR NEW.id IS NOT OLD.id OR NEW.batch_id IS NOT OLD.batch_id OR NEW.device_id IS NOT OLD.device_id
  OR NEW.certificate_id IS NOT OLD.certificate_id OR NEW.discriminator IS NOT OLD.discriminator
  OR NEW.iterations IS NOT OLD.iterations OR NEW.salt IS NOT OLD.salt OR NEW.verifier IS NOT OLD.verifier
  OR NEW.verifier_sha256 IS NOT OLD.verifier_sha256 OR NEW.rotating_id_unique_id IS NOT OLD.rotating_id_unique_id
  OR NEW.cd_sha256 IS NOT OLD.cd_sha256 OR NEW.label_path IS NOT OLD.label_path OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'MATTER_FACTORY_DATA_FORWARD_ONLY: factory data only goes from committed to written or abandoned, or from written to abandoned');
END;

CREATE TRIGGER matter_factory_data_no_delete BEFORE DELETE ON matter_factory_data
BEGIN
  SELECT RAISE(ABORT, 'MATTER_FACTORY_DATA_FORWARD_ONLY: factory data is never deleted');
END;
`;
