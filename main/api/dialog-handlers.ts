import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { DroppedFolderView, FolderPurpose, Input, OperationName, Output } from '../../preload/api.js';
import { HallmarkError } from '../errors/hallmark-error.js';
import { MANIFEST_JSON, MANIFEST_P7S } from '../manifest/verify/verify-manifest.js';

type DialogOp = Extract<OperationName, `dialog.${string}`>;
export type DialogHandlers = { [Op in DialogOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/**
 * The face's native folder dialog, a port the core asks through: the core must not
 * import Electron, and the CLI and the test host have no native dialog of their own.
 * `caller` is whatever the face's transport passed to dispatch() (Electron: the sender's
 * WebContents, so the dialog is modal to the window that asked).
 */
export interface FolderPicker {
  /** the chosen folders, [] when cancelled; at most one unless `multiple` */
  pickFolders(request: { purpose: PickFolderPurpose; multiple: boolean }, caller: unknown): Promise<string[]>;
}

/**
 * What a folder dialog is opened for: the contract's purposes (the renderer asks for them
 * through dialog.openFolder(s)) and the ones only the core opens, for an output the main
 * process writes (a ceremony's output medium: `ceremony.start` asks, the renderer cannot).
 */
export type PickFolderPurpose = FolderPurpose | 'ceremony-output';

/** What a save dialog is opened for; each has its forced extension (OUTPUT_EXTENSIONS). */
export type SavePurpose = 'qa-report' | 'ca-calendar' | 'authority-pem' | 'authority-der' | 'reconcile-report';
export const OUTPUT_EXTENSIONS: Record<SavePurpose, string> = {
  'qa-report': 'html',
  'ca-calendar': 'ics',
  'authority-pem': 'pem',
  'authority-der': 'der',
  'reconcile-report': 'html',
};

/**
 * The face's native save dialog, the port behind every file the app writes for the user
 * (qa.saveReport, ceremony.exportCalendar): the path is chosen in the main process and
 * never sent by the renderer. `defaultName` is a suggestion; the core forces the
 * extension and refuses a place inside the workspace (main/files/output-path.ts).
 */
export interface SaveFilePicker {
  /** the chosen path, null when cancelled */
  pickSaveFile(request: { purpose: SavePurpose; defaultName: string; extension: string }, caller: unknown): Promise<string | null>;
}

/** For faces without a window: asking is an error, never a hang. */
export const NO_SAVE_PICKER: SaveFilePicker = {
  pickSaveFile: () =>
    Promise.reject(new HallmarkError('DIALOG_UNAVAILABLE', 'this Hallmark has no save dialog; use the CLI and name the file there', 'environment')),
};

/** The contract's bound on folders per import; a dialog selection past it is cut here, not refused later. */
const MAX_FOLDERS = 64;

/** For faces without a window (the CLI, integration tests): asking is an error, never a hang. */
export const NO_FOLDER_PICKER: FolderPicker = {
  pickFolders: () => Promise.reject(new HallmarkError('DIALOG_UNAVAILABLE', 'this Hallmark has no folder dialog; type the path instead', 'environment')),
};

export function createDialogHandlers(picker: FolderPicker): DialogHandlers {
  return {
    'dialog.openFolder': async ({ purpose }, caller) => {
      const [path] = await picker.pickFolders({ purpose, multiple: false }, caller);
      return { path: path ?? null };
    },
    'dialog.openFolders': async ({ purpose }, caller) => ({
      paths: (await picker.pickFolders({ purpose, multiple: true }, caller)).slice(0, MAX_FOLDERS),
    }),
    'dialog.droppedFolders': ({ paths }) => ({ items: paths.map(droppedFolder) }),
  };
}

/**
 * A folder is itself; manifest.json or its signature stands for the folder holding it
 * (people drag the file they see); anything else is named, never guessed at.
 */
export function droppedFolder(path: string): DroppedFolderView {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    return { path, ok: false, problem: `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (isDirectory) return { path, ok: true, folder: path };
  const name = basename(path);
  if (name === MANIFEST_JSON || name === MANIFEST_P7S) return { path, ok: true, folder: dirname(path) };
  return { path, ok: false, problem: `${name} is a file, not a manifest folder: drop the folder holding ${MANIFEST_JSON} and ${MANIFEST_P7S}` };
}
