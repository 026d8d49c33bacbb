import type { Input, OperationName, Output } from '../../preload/api.js';
import type { Workspace } from '../store/workspace.js';
import { createCeremonyCalendarHandlers } from './ceremony-calendar-handlers.js';
import { planView } from './ceremony-plan.js';
import { ceremonyDetail, ceremonyList } from './ceremony-register.js';
import { preflightView } from './ceremony-preflight.js';
import type { CeremonySession } from './ceremony-session.js';

type CeremonyOp = Extract<OperationName, `ceremony.${string}`>;
export type CeremonyHandlers = { [Op in CeremonyOp]: (input: Input<Op>) => Output<Op> | Promise<Output<Op>> };

/**
 * The Ceremonies section's operations. Script and binding paths come from the user (a
 * native dialog in the app) and are read bounded, then only parsed by the strict schemas.
 */
export function createCeremonyHandlers(ws: Workspace, session: CeremonySession): CeremonyHandlers {
  return {
    'ceremony.load': ({ scriptPath, bindingPath }) => planView(scriptPath, bindingPath),
    'ceremony.approveHash': (req) => session.approveHash(req),
    'ceremony.preflight': ({ scriptPath, bindingPath }) => preflightView(ws, scriptPath, bindingPath),
    'ceremony.start': (req) => session.start(req),
    'ceremony.acknowledge': (req) => session.acknowledge(req),
    'ceremony.abort': (req) => session.abort(req),
    'ceremony.status': () => session.status(),
    'ceremony.provideSecret': (req) => session.provideSecret(req),
    'ceremony.provideShareText': (req) => session.provideShareText(req),
    'ceremony.list': () => ceremonyList(ws, session.liveCeremonyId()),
    'ceremony.show': ({ id }) => ceremonyDetail(ws, id, session.liveCeremonyId()),
    'ceremony.resume': (req) => session.resume(req),
    'ceremony.abortInterrupted': (req) => session.abortInterrupted(req),
    'ceremony.noteException': (req) => session.noteException(req),
    ...createCeremonyCalendarHandlers(ws),
  };
}
