import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { FolderPicker, PickFolderPurpose, SaveFilePicker, SavePurpose } from '../api/dialog-handlers.js';

const TITLES: Record<PickFolderPurpose, { title: string; buttonLabel: string }> = {
  manifest: { title: 'Open a manifest folder to verify', buttonLabel: 'Verify this folder' },
  'previous-manifest': { title: 'Open the previous manifest folder', buttonLabel: 'Use this folder' },
  'manifest-import': { title: 'Import manifest folders', buttonLabel: 'Import' },
  'registry-export': { title: "Open a cloud registry's exported certificates", buttonLabel: 'Reconcile this folder' },
  'ceremony-output': { title: "Choose the ceremony's output medium", buttonLabel: 'Write the ceremony here' },
};

const SAVE_TITLES: Record<SavePurpose, { title: string; buttonLabel: string; filter: string }> = {
  'qa-report': { title: 'Save the QA report', buttonLabel: 'Save report', filter: 'HTML report' },
  'ca-calendar': { title: 'Export the CA calendar', buttonLabel: 'Export', filter: 'iCalendar' },
  'authority-pem': { title: 'Export the certificate (PEM)', buttonLabel: 'Export', filter: 'PEM certificate' },
  'authority-der': { title: 'Export the certificate (DER)', buttonLabel: 'Export', filter: 'DER certificate' },
  'reconcile-report': { title: 'Save the reconcile report', buttonLabel: 'Save report', filter: 'HTML report' },
};

export function folderDialogOptions(purpose: PickFolderPurpose, multiple: boolean): OpenDialogOptions {
  // A ceremony's output medium may need a new folder on it; a manifest folder is opened as it is.
  const properties: OpenDialogOptions['properties'] =
    purpose === 'ceremony-output'
      ? ['openDirectory', 'createDirectory', 'dontAddToRecent']
      : multiple
        ? ['openDirectory', 'multiSelections', 'dontAddToRecent']
        : ['openDirectory', 'dontAddToRecent'];
  // Folders only: a manifest is a folder (manifest.json + its signature), never a file.
  return { ...TITLES[purpose], properties };
}

export function saveDialogOptions(purpose: SavePurpose, defaultName: string, extension: string): SaveDialogOptions {
  const { title, buttonLabel, filter } = SAVE_TITLES[purpose];
  return {
    title,
    buttonLabel,
    defaultPath: defaultName,
    filters: [{ name: filter, extensions: [extension] }],
    // Never overwritten anyway (O_EXCL): no "replace?" question that could only fail.
    properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
  };
}

/**
 * The desktop shell's FolderPicker: Electron's dialog, modal to the window that asked.
 * `windowOf` turns dispatch()'s caller (the IPC sender's WebContents) into its window;
 * kept apart from the `dialog` module so a test can drive this without Electron.
 */
export function electronFolderPicker(dialog: Pick<Dialog, 'showOpenDialog'>, windowOf: (caller: unknown) => BaseWindow | null): FolderPicker {
  return {
    async pickFolders({ purpose, multiple }, caller) {
      const options = folderDialogOptions(purpose, multiple);
      const window = windowOf(caller);
      // A trusted sender always has a window; should it have closed meanwhile, an unparented dialog still answers.
      const r = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      if (r.canceled) return [];
      return multiple ? r.filePaths : r.filePaths.slice(0, 1);
    },
  };
}

/** The desktop shell's SaveFilePicker: Electron's save dialog, modal to the window that asked. */
export function electronSaveFilePicker(dialog: Pick<Dialog, 'showSaveDialog'>, windowOf: (caller: unknown) => BaseWindow | null): SaveFilePicker {
  return {
    async pickSaveFile({ purpose, defaultName, extension }, caller) {
      const options = saveDialogOptions(purpose, defaultName, extension);
      const window = windowOf(caller);
      const r = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  };
}
