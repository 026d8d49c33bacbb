import type { OperatorSessions } from '../operators/operator-sessions.js';
import type { Workspace } from '../store/workspace.js';
import { actingCaller, type ActingCaller } from './acting-caller.js';

export type StationOperator = ActingCaller;

/**
 * Who a station action from a window is recorded under: the decision every section takes
 * (acting-caller.ts), with the Operator field required while the workspace has no accounts.
 */
export function stationOperator(ws: Workspace, sessions: OperatorSessions, caller: unknown, typed: string | undefined, action: string): StationOperator {
  return actingCaller(ws, sessions, caller, { typed, action });
}
