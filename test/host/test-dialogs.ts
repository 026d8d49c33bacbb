import type { FolderPicker, PickFolderPurpose, SaveFilePicker, SavePurpose } from '../../main/api/dialog-handlers.js';
import { HallmarkError } from '../../main/errors/hallmark-error.js';

/**
 * The test host's stand-ins for what only Electron has:
 *
 * - the native folder dialog (main/shell/folder-picker.ts): each dialog takes the next
 *   answer a test queued (`answerFolders`), an array of paths or [] for Cancel; with
 *   nothing queued it fails with DIALOG_UNAVAILABLE rather than wait for a window that
 *   will never open; a ceremony's output folder (`ceremony-output`, asked by
 *   ceremony.start) is answered from the same queue;
 * - the native save dialog: each takes the next `answerSave` (a path, or null for Cancel),
 *   with the same DIALOG_UNAVAILABLE when nothing is queued;
 * - webUtils.getPathForFile (preload/index.ts): Chromium gives a page no path for a
 *   dropped File, so a test registers which path a File of a given name stands for
 *   (`mapDroppedFile`) and web-preload.ts asks the host for it by name.
 */
export class TestDialogs {
  readonly #answers: string[][] = [];
  readonly #saves: (string | null)[] = [];
  readonly #dropped = new Map<string, string>();
  /** every folder dialog the UI opened, oldest first */
  readonly requests: { purpose: PickFolderPurpose; multiple: boolean }[] = [];
  /** every save dialog the core opened, oldest first */
  readonly saveRequests: { purpose: SavePurpose; defaultName: string; extension: string }[] = [];

  /** the next save dialog's answer: the path chosen, or null for Cancel */
  answerSave(path: string | null): void {
    this.#saves.push(path);
  }

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

  readonly saver: SaveFilePicker = {
    pickSaveFile: (request) => {
      this.saveRequests.push({ ...request });
      if (this.#saves.length === 0)
        return Promise.reject(new HallmarkError('DIALOG_UNAVAILABLE', 'the test host has no save dialog answer queued', 'environment'));
      return Promise.resolve(this.#saves.shift()!);
    },
  };
}
