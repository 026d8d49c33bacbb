import type { Input, OperationName, Output } from '../../preload/api.js';
import type { Workspace } from '../store/workspace.js';
import { APP_VERSION } from '../app-version.js';
import { createCeremonyHandlers } from './ceremony-handlers.js';
import { CeremonySession } from './ceremony-session.js';
import { createInventoryHandlers } from './inventory-handlers.js';
import { createQaHandlers } from './qa-handlers.js';
import { createStationHandlers } from './station-handlers.js';
import { StationSession } from './station-session.js';

export type Handlers = { [Op in OperationName]: (input: Input<Op>) => Output<Op> | Promise<Output<Op>> };

/**
 * The contract's operations bound to an open workspace. Inputs arrive already validated
 * by dispatch(); this is the only place the renderer's requests meet the core. The
 * station and ceremony sessions are passed in by faces that forward its events (forwardCoreEvents).
 */
export function createCoreHandlers(
  workspace: Workspace,
  station: StationSession = new StationSession(workspace),
  ceremony: CeremonySession = new CeremonySession(workspace),
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
  };
}
