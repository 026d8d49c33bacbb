import type { Input, OperationName, Output } from '../../preload/api.js';
import type { Workspace } from '../store/workspace.js';
import { outputFolder, OutputPathError, refuseRendererPath } from '../files/output-path.js';
import { createCeremonyCalendarHandlers } from './ceremony-calendar-handlers.js';
import { NO_FOLDER_PICKER, NO_SAVE_PICKER, type FolderPicker, type SaveFilePicker } from './dialog-handlers.js';
import { planView } from './ceremony-plan.js';
import { ceremonyDetail, ceremonyList } from './ceremony-register.js';
import { preflightView } from './ceremony-preflight.js';
import type { CeremonySession } from './ceremony-session.js';
import { actingCallerOf, type ActingCallerOf } from './acting-caller.js';
import { OperatorSessions } from '../operators/operator-sessions.js';

type CeremonyOp = Extract<OperationName, `ceremony.${string}`>;
export type CeremonyHandlers = { [Op in CeremonyOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/**
 * The Ceremonies section's operations. Script and binding paths come from the user (a
 * native dialog in the app) and are read bounded, then only parsed by the strict schemas.
 * A ceremony records its script's participants, not the window's account; but once the
 * workspace has accounts, what changes a ceremony needs someone signed in at that window
 * (docs/operators.md), and a custodian's acknowledgment their own credential besides.
 */
export function createCeremonyHandlers(
  ws: Workspace,
  session: CeremonySession,
  dialogs: { folders: FolderPicker; saves: SaveFilePicker } = { folders: NO_FOLDER_PICKER, saves: NO_SAVE_PICKER },
  acting: ActingCallerOf = actingCallerOf(ws, new OperatorSessions()),
): CeremonyHandlers {
  const signedIn = (caller: unknown, action: string) => acting(caller, { action, untypedName: 'app' });
  return {
    'ceremony.load': ({ scriptPath, bindingPath }) => planView(scriptPath, bindingPath, session.pkcs11Modules()),
    'ceremony.approveHash': (req, caller) => {
      signedIn(caller, "approve a ceremony's script");
      return session.approveHash(req);
    },
    'ceremony.preflight': ({ scriptPath, bindingPath, bindingSha256 }) => preflightView(ws, scriptPath, bindingPath, bindingSha256, session.pkcs11Modules()),
    'ceremony.start': async ({ outDir, ...req }, caller) => {
      // The output medium is chosen in the main process's folder dialog, never named by the window.
      if (outDir !== undefined) refuseRendererPath('outDir', "the ceremony's output");
      signedIn(caller, 'start a ceremony');
      const [chosen] = await dialogs.folders.pickFolders({ purpose: 'ceremony-output', multiple: false }, caller);
      if (chosen === undefined) throw new OutputPathError('OUTPUT_NOT_CHOSEN', 'no output folder was chosen; the ceremony did not start');
      return session.start({ ...req, outDir: outputFolder(chosen, { home: ws.home, what: "a ceremony's output" }) });
    },
    'ceremony.acknowledge': (req, caller) => {
      signedIn(caller, 'acknowledge a ceremony step');
      return session.acknowledge(req);
    },
    // Stopping a ceremony is never refused: an abort from a locked screen is safer than a run nobody can stop.
    'ceremony.abort': (req) => session.abort(req),
    'ceremony.status': () => session.status(),
    'ceremony.provideSecret': (req, caller) => {
      signedIn(caller, "enter a ceremony's secret");
      return session.provideSecret(req);
    },
    'ceremony.provideShareText': (req, caller) => {
      signedIn(caller, "type back a custodian's share");
      return session.provideShareText(req);
    },
    'ceremony.list': () => ceremonyList(ws, session.liveCeremonyId()),
    'ceremony.show': ({ id }) => ceremonyDetail(ws, id, session.liveCeremonyId()),
    'ceremony.resume': (req, caller) => {
      signedIn(caller, 'resume a ceremony');
      return session.resume(req);
    },
    'ceremony.abortInterrupted': (req, caller) => {
      signedIn(caller, 'close an interrupted ceremony');
      return session.abortInterrupted(req);
    },
    'ceremony.noteException': (req, caller) => {
      signedIn(caller, 'note an exception');
      return session.noteException(req);
    },
    ...createCeremonyCalendarHandlers(ws, dialogs.saves),
  };
}
