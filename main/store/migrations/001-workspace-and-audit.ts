/**
 * The workspace's first schema: metadata and the hash-chained audit log.
 * The triggers make the log append-only for every connection that has them, the app's
 * included; `audit_head` lets the verifier see entries deleted from the end of the chain.
 */
export default /* sql */ `
CREATE TABLE workspace_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  time      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL UNIQUE
) STRICT;

CREATE INDEX audit_log_by_action ON audit_log(action, seq);
CREATE INDEX audit_log_by_actor ON audit_log(actor, seq);

CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: audit entries cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: audit entries cannot be deleted');
END;

CREATE TRIGGER audit_log_in_order BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '${'0'.repeat(64)}')
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_OUT_OF_ORDER: audit entries must extend the chain head');
END;

CREATE TRIGGER audit_log_track_head AFTER INSERT ON audit_log
BEGIN
  INSERT INTO audit_head (id, seq, hash) VALUES (1, NEW.seq, NEW.hash)
  ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
END;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: the audit head cannot be deleted');
END;
`;
