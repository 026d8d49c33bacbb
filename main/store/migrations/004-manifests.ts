/**
 * Batch manifests: the station's manifest signers (certificates issued by a workspace CA
 * for a workspace key) and every manifest it exported, chained by sequence number and the
 * SHA-256 of the previous manifest's bytes.
 *
 * Structural guards:
 * - a manifest extends the chain: its sequence is the last one + 1 and it names the
 *   previous manifest's SHA-256 (NULL only for sequence 1), so a gap or a fork cannot be
 *   recorded even by a buggy caller;
 * - one manifest per work order, and only for a closed one;
 * - the exact bytes signed (manifest.json and its .p7s) are kept, so a re-export writes
 *   the same files rather than a second, different manifest;
 * - signers and manifests are never changed or deleted.
 */
export default /* sql */ `
CREATE TABLE manifest_signers (
  id             INTEGER PRIMARY KEY,
  certificate_id INTEGER NOT NULL UNIQUE REFERENCES certificates(id),
  key_label      TEXT NOT NULL REFERENCES keys(label),
  ca_name        TEXT NOT NULL REFERENCES cas(name),
  created_at     TEXT NOT NULL,
  created_by     TEXT NOT NULL
) STRICT;

CREATE TRIGGER manifest_signers_no_update BEFORE UPDATE ON manifest_signers
BEGIN
  SELECT RAISE(ABORT, 'MANIFEST_SIGNER_IMMUTABLE: manifest signers are never changed; create a new one to rotate');
END;

CREATE TRIGGER manifest_signers_no_delete BEFORE DELETE ON manifest_signers
BEGIN
  SELECT RAISE(ABORT, 'MANIFEST_SIGNER_IMMUTABLE: manifest signers are never deleted');
END;

CREATE TABLE manifests (
  sequence        INTEGER PRIMARY KEY CHECK (sequence >= 1),
  batch_id        TEXT NOT NULL UNIQUE REFERENCES batches(id),
  signer_id       INTEGER NOT NULL REFERENCES manifest_signers(id),
  previous_sha256 TEXT,
  sha256          TEXT NOT NULL UNIQUE,
  p7s_sha256      TEXT NOT NULL,
  json            BLOB NOT NULL,
  p7s             BLOB NOT NULL,
  devices         INTEGER NOT NULL,
  audit_seq       INTEGER NOT NULL,
  audit_hash      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  CHECK ((sequence = 1) = (previous_sha256 IS NULL))
) STRICT;

CREATE TRIGGER manifests_extend_chain BEFORE INSERT ON manifests
WHEN NEW.sequence IS NOT (SELECT COALESCE(MAX(sequence), 0) + 1 FROM manifests)
  OR NEW.previous_sha256 IS NOT (SELECT sha256 FROM manifests WHERE sequence = NEW.sequence - 1)
BEGIN
  SELECT RAISE(ABORT, 'MANIFEST_CHAIN: a manifest takes the next sequence number and names the previous manifest''s SHA-256');
END;

CREATE TRIGGER manifests_closed_batch BEFORE INSERT ON manifests
WHEN (SELECT status FROM batches WHERE id = NEW.batch_id) IS NOT 'closed'
BEGIN
  SELECT RAISE(ABORT, 'MANIFEST_BATCH_OPEN: only a closed work order has a manifest');
END;

CREATE TRIGGER manifests_no_update BEFORE UPDATE ON manifests
BEGIN
  SELECT RAISE(ABORT, 'MANIFEST_IMMUTABLE: exported manifests are never changed');
END;

CREATE TRIGGER manifests_no_delete BEFORE DELETE ON manifests
BEGIN
  SELECT RAISE(ABORT, 'MANIFEST_IMMUTABLE: exported manifests are never deleted');
END;
`;
