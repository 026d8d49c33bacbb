import type { Input, OperationName, Output } from '../../preload/api.js';
import { refusalOf } from '../files/refusal-audit.js';
import { bindHandlerLog } from './handler-log.js';
import type { Workspace } from '../store/workspace.js';
import { APP_VERSION } from '../app-version.js';
import { createAuthoritiesHandlers } from './authorities-handlers.js';
import { createCeremonyHandlers } from './ceremony-handlers.js';
import { createDialogHandlers, NO_FOLDER_PICKER, NO_SAVE_PICKER, type FolderPicker, type SaveFilePicker } from './dialog-handlers.js';
import { CeremonySession } from './ceremony-session.js';
import { createInventoryHandlers } from './inventory-handlers.js';
import { createInventoryHealthHandlers } from './inventory-health-handlers.js';
import { createQaHandlers } from './qa-handlers.js';
import { QaSession } from './qa-session.js';
import { createStationHandlers } from './station-handlers.js';
import { createOperatorHandlers, workspaceOperatorSessions } from './operator-handlers.js';
import { StationSession } from './station-session.js';
import { actingCallerOf } from './acting-caller.js';
import { verifyWorkspaceAudit } from '../store/audit/verify-audit-checkpoints.js';

/** `caller` is the face's opaque handle on who asked (see dispatch()); only the face's own ports look at it. */
export type Handlers = { [Op in OperationName]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/** What only a face can provide; the core asks through these and never imports Electron. */
export interface CorePorts {
  readonly folders?: FolderPicker;
  /** where qa.saveReport and ceremony.exportCalendar write: chosen in the main process, never sent by the renderer */
  readonly saves?: SaveFilePicker;
}

/**
 * The contract's operations bound to an open workspace. Inputs arrive already validated
 * by dispatch(); this is the only place the renderer's requests meet the core. The
 * station and ceremony sessions are passed in by faces that forward its events (forwardCoreEvents);
 * a face without a native dialog leaves `ports.folders` / `ports.saves` out and the
 * operations that need one say so (DIALOG_UNAVAILABLE).
 */
export function createCoreHandlers(
  workspace: Workspace,
  station: StationSession = new StationSession(workspace),
  ceremony: CeremonySession = new CeremonySession(workspace),
  ports: CorePorts = {},
  qa: QaSession = new QaSession(),
): Handlers {
  // Sign-in sessions per window, main process only (docs/operators.md).
  const operators = workspaceOperatorSessions(workspace);
  // Who each section's action is recorded under, decided once (acting-caller.ts).
  const acting = actingCallerOf(workspace, operators);
  const handlers: Handlers = {
    'workspace.info': () => ({ ...workspace.info(), appVersion: APP_VERSION }),
    'audit.query': (q) => workspace.audit.query(q),
    'audit.facets': () => workspace.audit.facets(),
    'audit.verify': () => verifyWorkspaceAudit(workspace),
    ...createStationHandlers(workspace, station, operators),
    ...createOperatorHandlers(workspace, operators),
    ...createQaHandlers({ home: workspace.home, saves: ports.saves ?? NO_SAVE_PICKER }, qa, acting),
    ...createInventoryHandlers(workspace, process.env, acting),
    ...createInventoryHealthHandlers(workspace, { saves: ports.saves ?? NO_SAVE_PICKER }),
    ...createCeremonyHandlers(workspace, ceremony, { folders: ports.folders ?? NO_FOLDER_PICKER, saves: ports.saves ?? NO_SAVE_PICKER }, acting),
    ...createDialogHandlers(ports.folders ?? NO_FOLDER_PICKER),
    ...createAuthoritiesHandlers(workspace, { saves: ports.saves ?? NO_SAVE_PICKER, acting }),
  };
  for (const op of Object.keys(handlers) as OperationName[]) auditRefusals(workspace, handlers, op);
  bindHandlerLog(handlers, workspace.log);
  return handlers;
}

/**
 * A refusal the audit log must hold (files/refusal-audit.ts: `output.refused`,
 * `media.refused`) is recorded; then the error is reported as it was.
 */
function auditRefusals(workspace: Workspace, handlers: Handlers, op: OperationName): void {
  const inner = handlers[op] as (input: unknown, caller?: unknown) => unknown;
  const record = (e: unknown): never => {
    const refusal = refusalOf(e);
    if (refusal !== null) {
      try {
        workspace.audit.append({
          actor: 'app',
          action: refusal.action,
          subject: refusal.path ?? op,
          details: { operation: op, code: refusal.code, message: refusal.message },
        });
      } catch {
        // the refusal is the error to report
      }
    }
    throw e;
  };
  // Synchronous handlers stay synchronous: only a returned promise gets the catch.
  const wrapped = (input: unknown, caller?: unknown) => {
    let out: unknown;
    try {
      out = inner(input, caller);
    } catch (e) {
      return record(e);
    }
    return out instanceof Promise ? out.catch(record) : out;
  };
  (handlers as Record<string, unknown>)[op] = wrapped;
}
