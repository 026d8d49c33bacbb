import type { FolderPurpose } from '../../preload/api.js';
import type { FolderPicker } from '../../main/api/dialog-handlers.js';
import { HallmarkError } from '../../main/errors/hallmark-error.js';

/**
 * The test host's stand-ins for what only Electron has:
 *
 * - the native folder dialog (main/shell/folder-picker.ts): each dialog takes the next
 *   answer a test queued (`answerFolders`), an array of paths or [] for Cancel; with
 *   nothing queued it fails with DIALOG_UNAVAILABLE rather than wait for a window that
 *   will never open;
 * - webUtils.getPathForFile (preload/index.ts): Chromium gives a page no path for a
 *   dropped File, so a test registers which path a File of a given name stands for
 *   (`mapDroppedFile`) and web-preload.ts asks the host for it by name.
 */
export class TestDialogs {
  readonly #answers: string[][] = [];
  readonly #dropped = new Map<string, string>();
  /** every dialog the UI opened, oldest first */
  readonly requests: { purpose: FolderPurpose; multiple: boolean }[] = [];

  /** the next dialog's answer: the folders chosen, or [] for Cancel */
  answerFolders(paths: readonly string[]): void {
    this.#answers.push([...paths]);
  }

  /** a dropped File named `name` is at `path` on disk */
  mapDroppedFile(name: string, path: string): void {
    this.#dropped.set(name, path);
  }

  /** '' as webUtils answers for a File the disk does not hold */
  pathForName(name: string): string {
    return this.#dropped.get(name) ?? '';
  }

  readonly picker: FolderPicker = {
    pickFolders: (request) => {
      this.requests.push({ ...request });
      const answer = this.#answers.shift();
      if (!answer) return Promise.reject(new HallmarkError('DIALOG_UNAVAILABLE', 'the test host has no folder dialog answer queued', 'environment'));
      return Promise.resolve(answer);
    },
  };
}
