import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron';
import type { FolderPurpose } from '../../preload/api.js';
import type { FolderPicker } from '../api/dialog-handlers.js';

const TITLES: Record<FolderPurpose, { title: string; buttonLabel: string }> = {
  manifest: { title: 'Open a manifest folder to verify', buttonLabel: 'Verify this folder' },
  'previous-manifest': { title: 'Open the previous manifest folder', buttonLabel: 'Use this folder' },
  'manifest-import': { title: 'Import manifest folders', buttonLabel: 'Import' },
};

export function folderDialogOptions(purpose: FolderPurpose, multiple: boolean): OpenDialogOptions {
  return {
    ...TITLES[purpose],
    // Folders only: a manifest is a folder (manifest.json + its signature), never a file.
    properties: multiple ? ['openDirectory', 'multiSelections', 'dontAddToRecent'] : ['openDirectory', 'dontAddToRecent'],
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
