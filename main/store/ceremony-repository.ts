import type { JsonValue } from '../encoding/canonical-json.js';
import type { Workspace } from './workspace.js';

export type CeremonyStatus = 'running' | 'completed' | 'aborted';

export interface CeremonyRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly scriptSha256: string;
  readonly scriptPath: string;
  readonly outDir: string;
  readonly rehearsal: boolean;
  readonly status: CeremonyStatus;
  readonly stepsTotal: number;
  /** committed steps (rows in ceremony_steps) */
  readonly stepsDone: number;
  readonly startedAt: string;
  readonly startedBy: string;
  readonly finishedAt: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly transcriptSha256: string | null;
}

export interface CeremonyStepRow {
  readonly ceremonyId: string;
  readonly index: number;
  readonly step: string;
  readonly action: string | null;
  readonly result: { [k: string]: JsonValue };
  readonly acknowledgments: JsonValue[];
  readonly outputs: { file: string; sha256: string; bytes: number }[];
  readonly completedAt: string;
}

interface RawCeremony {
  id: string;
  name: string;
  kind: string;
  script_sha256: string;
  script_path: string;
  out_dir: string;
  rehearsal: number;
  status: CeremonyStatus;
  steps_total: number;
  steps_done: number;
  started_at: string;
  started_by: string;
  finished_at: string | null;
  error_code: string | null;
  error_message: string | null;
  transcript_sha256: string | null;
}

const SELECT = `SELECT c.*, (SELECT COUNT(*) FROM ceremony_steps s WHERE s.ceremony_id = c.id) AS steps_done FROM ceremonies c`;

/**
 * The ceremony register (migration 007). Writes belong inside Workspace.transact() with
 * the audit entry that announces them; the schema refuses changes to finished
 * ceremonies and to committed steps.
 */
export class CeremonyRepository {
  constructor(private readonly workspace: Workspace) {}

  private get db() {
    return this.workspace.db;
  }

  begin(
    c: Pick<CeremonyRow, 'id' | 'name' | 'kind' | 'scriptSha256' | 'scriptPath' | 'outDir' | 'rehearsal' | 'stepsTotal' | 'startedAt' | 'startedBy'>,
  ): CeremonyRow {
    this.db
      .prepare(
        `INSERT INTO ceremonies (id, name, kind, script_sha256, script_path, out_dir, rehearsal, status, steps_total, started_at, started_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(c.id, c.name, c.kind, c.scriptSha256, c.scriptPath, c.outDir, c.rehearsal ? 1 : 0, c.stepsTotal, c.startedAt, c.startedBy);
    return this.get(c.id)!;
  }

  commitStep(s: CeremonyStepRow): void {
    this.db
      .prepare('INSERT INTO ceremony_steps (ceremony_id, idx, step, action, result, acknowledgments, outputs, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.ceremonyId, s.index, s.step, s.action, JSON.stringify(s.result), JSON.stringify(s.acknowledgments), JSON.stringify(s.outputs), s.completedAt);
  }

  complete(id: string, transcriptSha256: string, at: string): void {
    this.db
      .prepare(`UPDATE ceremonies SET status = 'completed', finished_at = ?, transcript_sha256 = ? WHERE id = ? AND status = 'running'`)
      .run(at, transcriptSha256, id);
  }

  abort(id: string, code: string, message: string, at: string): void {
    this.db
      .prepare(`UPDATE ceremonies SET status = 'aborted', finished_at = ?, error_code = ?, error_message = ? WHERE id = ? AND status = 'running'`)
      .run(at, code, message, id);
  }

  get(id: string): CeremonyRow | undefined {
    const row = this.db.prepare(`${SELECT} WHERE c.id = ?`).get(id) as RawCeremony | undefined;
    return row ? toRow(row) : undefined;
  }

  /** Newest first. */
  list(limit = 500): CeremonyRow[] {
    return (this.db.prepare(`${SELECT} ORDER BY c.started_at DESC, c.rowid DESC LIMIT ?`).all(limit) as RawCeremony[]).map(toRow);
  }

  /** Ceremonies of this script that never finished: killed, or a token pulled mid-step. */
  running(scriptSha256: string): CeremonyRow[] {
    return (this.db.prepare(`${SELECT} WHERE c.status = 'running' AND c.script_sha256 = ? ORDER BY c.started_at`).all(scriptSha256) as RawCeremony[]).map(
      toRow,
    );
  }

  steps(id: string): CeremonyStepRow[] {
    const rows = this.db.prepare('SELECT * FROM ceremony_steps WHERE ceremony_id = ? ORDER BY idx').all(id) as {
      ceremony_id: string;
      idx: number;
      step: string;
      action: string | null;
      result: string;
      acknowledgments: string;
      outputs: string;
      completed_at: string;
    }[];
    return rows.map((r) => ({
      ceremonyId: r.ceremony_id,
      index: r.idx,
      step: r.step,
      action: r.action,
      result: JSON.parse(r.result) as { [k: string]: JsonValue },
      acknowledgments: JSON.parse(r.acknowledgments) as JsonValue[],
      outputs: JSON.parse(r.outputs) as CeremonyStepRow['outputs'],
      completedAt: r.completed_at,
    }));
  }
}

function toRow(r: RawCeremony): CeremonyRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    scriptSha256: r.script_sha256,
    scriptPath: r.script_path,
    outDir: r.out_dir,
    rehearsal: r.rehearsal === 1,
    status: r.status,
    stepsTotal: r.steps_total,
    stepsDone: r.steps_done,
    startedAt: r.started_at,
    startedBy: r.started_by,
    finishedAt: r.finished_at,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    transcriptSha256: r.transcript_sha256,
  };
}
