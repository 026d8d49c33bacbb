import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CeremonyCommittedStepView, CeremonyDetailView, CeremonySummaryView } from '../../preload/api.js';
import { CeremonyError } from '../ceremony/ceremony-errors.js';
import { SUMS_FILE, TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE } from '../ceremony/transcript/transcript-format.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import { CeremonyRepository, type CeremonyRow } from '../store/ceremony-repository.js';
import type { Workspace } from '../store/workspace.js';

const TRANSCRIPT_FILES = [TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE, SUMS_FILE];

/** The register id of the run this app session is driving now, if any: that row is live, not interrupted. */
export type LiveRun = string | null;

export function ceremonyList(ws: Workspace, live: LiveRun): { ceremonies: CeremonySummaryView[] } {
  return { ceremonies: new CeremonyRepository(ws).list().map((r) => summary(r, live)) };
}

export function ceremonyDetail(ws: Workspace, id: string, live: LiveRun): CeremonyDetailView {
  const repo = new CeremonyRepository(ws);
  const row = repo.get(id);
  if (!row) throw new CeremonyError('CEREMONY_NOT_FOUND', `no ceremony ${id} in this workspace`);
  return {
    ...summary(row, live),
    scriptSha256: row.scriptSha256,
    scriptPath: row.scriptPath,
    startedBy: row.startedBy,
    steps: repo.steps(id).map(
      (s): CeremonyCommittedStepView => ({
        index: s.index,
        step: s.step,
        action: s.action,
        completedAt: s.completedAt,
        acknowledgments: s.acknowledgments.flatMap(ackView),
        outputs: s.outputs.map((o) => ({ file: o.file, sha256: o.sha256, bytes: o.bytes })),
      }),
    ),
    // The medium may be gone (unplugged, another machine): list only what is there now.
    files: TRANSCRIPT_FILES.flatMap((name) => {
      const path = join(row.outDir, name);
      try {
        return existsSync(path) ? [{ name, path, bytes: statSync(path).size }] : [];
      } catch {
        return [];
      }
    }),
  };
}

function summary(r: CeremonyRow, live: LiveRun): CeremonySummaryView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    status: r.status === 'running' && r.id !== live ? 'interrupted' : r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    stepsDone: r.stepsDone,
    stepsTotal: r.stepsTotal,
    outDir: r.outDir,
    transcriptSha256: r.transcriptSha256,
    rehearsal: r.rehearsal,
    error: r.errorCode !== null ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
  };
}

/** Acknowledgments are stored as run-ceremony wrote them; anything not shaped like one is left out rather than shown wrong. */
function ackView(a: JsonValue): CeremonyCommittedStepView['acknowledgments'] {
  if (a === null || typeof a !== 'object' || Array.isArray(a)) return [];
  const { role, name, time, via } = a;
  if (typeof role !== 'string' || typeof name !== 'string' || typeof time !== 'string') return [];
  return [{ role, name, time, via: typeof via === 'string' ? via : '' }];
}
