/**
 * The ceremony register: every ceremony run against this workspace, and each step it
 * committed.
 *
 * - ceremonies: one row per run, `running` until it completes or is aborted. A row left
 *   `running` by a killed process is an interrupted ceremony: the next run of the same
 *   script must resume it or it must be aborted, never silently restarted.
 * - ceremony_steps: one row per committed step (its action's result, acknowledgments and
 *   output files as JSON), inserted in the same transaction as the step's audit entry, so
 *   "committed" means both or neither. Rows are never updated or deleted.
 */
export default /* sql */ `
CREATE TABLE ceremonies (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  kind              TEXT NOT NULL,
  script_sha256     TEXT NOT NULL,
  script_path       TEXT NOT NULL,
  out_dir           TEXT NOT NULL,
  rehearsal         INTEGER NOT NULL CHECK (rehearsal IN (0, 1)),
  status            TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted')),
  steps_total       INTEGER NOT NULL CHECK (steps_total >= 1),
  started_at        TEXT NOT NULL,
  started_by        TEXT NOT NULL,
  finished_at       TEXT,
  error_code        TEXT,
  error_message     TEXT,
  transcript_sha256 TEXT,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX ceremonies_started ON ceremonies (started_at);
CREATE INDEX ceremonies_running ON ceremonies (script_sha256) WHERE status = 'running';

CREATE TABLE ceremony_steps (
  ceremony_id     TEXT NOT NULL REFERENCES ceremonies (id),
  idx             INTEGER NOT NULL CHECK (idx >= 0),
  step            TEXT NOT NULL,
  action          TEXT,
  result          TEXT NOT NULL,
  acknowledgments TEXT NOT NULL,
  outputs         TEXT NOT NULL,
  completed_at    TEXT NOT NULL,
  PRIMARY KEY (ceremony_id, idx)
);

CREATE TRIGGER ceremony_steps_no_update BEFORE UPDATE ON ceremony_steps
BEGIN SELECT RAISE(ABORT, 'ceremony steps are never changed'); END;
CREATE TRIGGER ceremony_steps_no_delete BEFORE DELETE ON ceremony_steps
BEGIN SELECT RAISE(ABORT, 'ceremony steps are never deleted'); END;
CREATE TRIGGER ceremonies_no_delete BEFORE DELETE ON ceremonies
BEGIN SELECT RAISE(ABORT, 'ceremonies are never deleted'); END;
CREATE TRIGGER ceremonies_finished_once BEFORE UPDATE ON ceremonies
WHEN OLD.status <> 'running'
BEGIN SELECT RAISE(ABORT, 'a finished ceremony is never changed'); END;
`;
