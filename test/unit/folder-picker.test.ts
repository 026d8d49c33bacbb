import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { createDialogHandlers, droppedFolder, NO_FOLDER_PICKER } from '../../main/api/dialog-handlers.js';
import { electronFolderPicker, folderDialogOptions } from '../../main/shell/folder-picker.js';
import { tempDir } from '../support/temp-dir.js';

/** Electron's dialog.showOpenDialog, both overloads, answering `answer` and recording each call. */
function fakeDialog(answer: OpenDialogReturnValue) {
  const calls: { window: BaseWindow | null; options: OpenDialogOptions }[] = [];
  const showOpenDialog = ((a: BaseWindow | OpenDialogOptions, b?: OpenDialogOptions) => {
    calls.push(b === undefined ? { window: null, options: a } : { window: a as BaseWindow, options: b });
    return Promise.resolve(answer);
  }) as Dialog['showOpenDialog'];
  return { dialog: { showOpenDialog }, calls };
}

// Only identity matters to the adapter: it hands the window back to Electron untouched.
const win = { id: 7 } as unknown as BaseWindow;
const sender = { id: 'web-contents-of-window-7' };
const windowOf = (caller: unknown) => (caller === sender ? win : null);

describe('the desktop shell’s folder dialog', () => {
  it('opens a folders-only dialog modal to the window that asked', async () => {
    const { dialog, calls } = fakeDialog({ canceled: false, filePaths: ['/media/usb/WO-1'] });
    const paths = await electronFolderPicker(dialog, windowOf).pickFolders({ purpose: 'manifest', multiple: false }, sender);
    expect(paths).toEqual(['/media/usb/WO-1']);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.window).toBe(win);
    expect(calls[0]!.options.properties).toEqual(['openDirectory', 'dontAddToRecent']);
    expect(calls[0]!.options.title).toMatch(/manifest folder/);
  });

  it('allows several folders only when asked, and never answers more than one otherwise', async () => {
    expect(folderDialogOptions('manifest-import', true).properties).toEqual(['openDirectory', 'multiSelections', 'dontAddToRecent']);
    const { dialog } = fakeDialog({ canceled: false, filePaths: ['/a', '/b'] });
    const picker = electronFolderPicker(dialog, windowOf);
    expect(await picker.pickFolders({ purpose: 'manifest-import', multiple: true }, sender)).toEqual(['/a', '/b']);
    expect(await picker.pickFolders({ purpose: 'manifest', multiple: false }, sender)).toEqual(['/a']);
  });

  it('answers [] on Cancel, whatever paths came with it', async () => {
    const { dialog } = fakeDialog({ canceled: true, filePaths: ['/stale'] });
    expect(await electronFolderPicker(dialog, windowOf).pickFolders({ purpose: 'manifest', multiple: false }, sender)).toEqual([]);
  });

  it('still answers, unparented, when the asking window is gone', async () => {
    const { dialog, calls } = fakeDialog({ canceled: false, filePaths: ['/x'] });
    await electronFolderPicker(dialog, windowOf).pickFolders({ purpose: 'previous-manifest', multiple: false }, { id: 'closed' });
    expect(calls[0]!.window).toBeNull();
  });
});

describe('the dialog operations', () => {
  it('map the picker’s answer to the contract: null or [] on Cancel, the caller passed through', async () => {
    const seen: unknown[] = [];
    let answer: string[] = [];
    const handlers = createDialogHandlers({
      pickFolders: (_req, caller) => {
        seen.push(caller);
        return Promise.resolve(answer);
      },
    });
    expect(await handlers['dialog.openFolder']({ purpose: 'manifest' }, sender)).toEqual({ path: null });
    expect(await handlers['dialog.openFolders']({ purpose: 'manifest-import' }, sender)).toEqual({ paths: [] });
    answer = Array.from({ length: 70 }, (_, i) => `/f${i}`);
    expect(await handlers['dialog.openFolder']({ purpose: 'manifest' })).toEqual({ path: '/f0' });
    expect((await handlers['dialog.openFolders']({ purpose: 'manifest-import' })).paths).toHaveLength(64);
    expect(seen.slice(0, 2)).toEqual([sender, sender]);
  });

  it('fail with DIALOG_UNAVAILABLE on a face without a dialog', async () => {
    await expect(createDialogHandlers(NO_FOLDER_PICKER)['dialog.openFolder']({ purpose: 'manifest' })).rejects.toMatchObject({ code: 'DIALOG_UNAVAILABLE' });
  });
});

describe('dropped items', () => {
  const dir = tempDir('hallmark-dropped-');
  afterAll(() => dir.dispose());
  const folder = join(dir.path, 'WO-1');
  mkdirSync(folder);
  writeFileSync(join(folder, 'manifest.json'), '{}');
  writeFileSync(join(folder, 'manifest.json.p7s'), '');
  writeFileSync(join(dir.path, 'notes.txt'), 'x');

  it('take a folder as itself and manifest.json or its signature as their folder', () => {
    expect(droppedFolder(folder)).toEqual({ path: folder, ok: true, folder });
    expect(droppedFolder(join(folder, 'manifest.json'))).toMatchObject({ ok: true, folder });
    expect(droppedFolder(join(folder, 'manifest.json.p7s'))).toMatchObject({ ok: true, folder });
  });

  it('name any other file, and a path that is not there', () => {
    expect(droppedFolder(join(dir.path, 'notes.txt'))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^notes\.txt is a file, not a manifest folder/),
    });
    expect(droppedFolder(join(dir.path, 'gone'))).toMatchObject({ ok: false, problem: expect.stringContaining('ENOENT') });
  });
});
