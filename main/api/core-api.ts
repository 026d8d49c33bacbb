import type { Input, OperationName, Output } from '../../preload/api.js';
import type { Workspace } from '../store/workspace.js';
import { APP_VERSION } from '../app-version.js';
import { createCeremonyHandlers } from './ceremony-handlers.js';
import { createDialogHandlers, NO_FOLDER_PICKER, type FolderPicker } from './dialog-handlers.js';
import { CeremonySession } from './ceremony-session.js';
import { createInventoryHandlers } from './inventory-handlers.js';
import { createQaHandlers } from './qa-handlers.js';
import { createStationHandlers } from './station-handlers.js';
import { StationSession } from './station-session.js';

/** `caller` is the face's opaque handle on who asked (see dispatch()); only the face's own ports look at it. */
export type Handlers = { [Op in OperationName]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/** What only a face can provide; the core asks through these and never imports Electron. */
export interface CorePorts {
  readonly folders?: FolderPicker;
}

/**
 * The contract's operations bound to an open workspace. Inputs arrive already validated
 * by dispatch(); this is the only place the renderer's requests meet the core. The
 * station and ceremony sessions are passed in by faces that forward its events (forwardCoreEvents);
 * a face without a native dialog leaves `ports.folders` out and the dialog operations say so.
 */
export function createCoreHandlers(
  workspace: Workspace,
  station: StationSession = new StationSession(workspace),
  ceremony: CeremonySession = new CeremonySession(workspace),
  ports: CorePorts = {},
): Handlers {
  return {
    'workspace.info': () => ({ ...workspace.info(), appVersion: APP_VERSION }),
    'audit.query': (q) => workspace.audit.query(q),
    'audit.facets': () => workspace.audit.facets(),
    'audit.verify': () => workspace.verifyAudit(),
    ...createStationHandlers(workspace, station),
    ...createQaHandlers(),
    ...createInventoryHandlers(workspace),
    ...createCeremonyHandlers(workspace, ceremony),
    ...createDialogHandlers(ports.folders ?? NO_FOLDER_PICKER),
  };
}
