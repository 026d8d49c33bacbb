import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CeremonyAbortedView, CeremonyCommittedStepView, CeremonyDetailView, CeremonySummaryView } from '../../preload/api.js';
import { CeremonyError } from '../ceremony/ceremony-errors.js';
import { abortInterruptedCeremony } from '../ceremony/run-ceremony.js';
import { SUMS_FILE, TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE } from '../ceremony/transcript/transcript-format.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import { HallmarkError } from '../errors/hallmark-error.js';
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
    steps: repo.steps(id).map((s): CeremonyCommittedStepView => ({
      index: s.index,
      step: s.step,
      action: s.action,
      completedAt: s.completedAt,
      acknowledgments: s.acknowledgments.flatMap(ackView),
      outputs: s.outputs.map((o) => ({ file: o.file, sha256: o.sha256, bytes: o.bytes })),
    })),
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

/**
 * The register's row of a ceremony that may be resumed or aborted from the screen: open
 * in the register and not the run this session is driving (that one is stopped from its
 * run view, and a second driver would interleave its transcript).
 */
export function interruptedRow(ws: Workspace, id: string, live: LiveRun, verb: 'resumed' | 'aborted'): CeremonyRow {
  const row = new CeremonyRepository(ws).get(id);
  if (!row) throw new CeremonyError('CEREMONY_NOT_FOUND', `no ceremony ${id} in this workspace`);
  if (row.id === live)
    throw new HallmarkError(
      'CEREMONY_LIVE',
      `ceremony "${row.name}" (${id}) is running on this screen now; stop it from its run view, not from the list`,
      'input',
    );
  if (row.status !== 'running')
    throw new HallmarkError(
      'CEREMONY_NOT_INTERRUPTED',
      `ceremony "${row.name}" (${id}) has ${row.status}; only an interrupted ceremony can be ${verb}`,
      'input',
    );
  return row;
}

/**
 * What `hallmark ceremony abort` does, from the screen. The person recorded is the
 * administrator who ran the ceremony: the screen identifies nobody else, and closing a
 * ceremony is the administrator's call. The transcript is continued when its medium is
 * here and intact; the register and the audit log are closed either way.
 */
export function abortInterrupted(ws: Workspace, id: string, reason: string, live: LiveRun): CeremonyAbortedView {
  const row = interruptedRow(ws, id, live, 'aborted');
  if (reason === '') throw new CeremonyError('CEREMONY_ACK_INVALID', 'the reason must say why the ceremony is abandoned');
  const transcript = abortInterruptedCeremony(ws, id, row.startedBy, reason);
  return { detail: ceremonyDetail(ws, id, live), transcript };
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
