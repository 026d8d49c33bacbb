import { app, BrowserWindow, dialog, ipcMain, Menu, session, type WebContents } from 'electron';
import { fileURLToPath } from 'node:url';
import { createCoreHandlers } from './api/core-api.js';
import { forwardCoreEvents } from './api/core-events.js';
import { CeremonySession } from './api/ceremony-session.js';
import { QaSession } from './api/qa-session.js';
import { StationSession } from './api/station-session.js';
import { registerIpc, sendEvent } from './ipc.js';
import { applicationMenuTemplate } from './shell/application-menu.js';
import { electronFolderPicker, electronSaveFilePicker } from './shell/folder-picker.js';
import { denyPermissions, lockDownWebContents, registerAppScheme, serveRenderer } from './shell/harden-session.js';
import { APP_ORIGIN } from './shell/security-policy.js';
import { mainWindowOptions } from './shell/window-options.js';
import { resolveWorkspaceHome } from './store/workspace-home.js';
import { Workspace } from './store/workspace.js';
import { userInfo } from 'node:os';

// The desktop shell: window, hardening, IPC binding. Behaviour lives in the core modules.
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const allowedOrigins = devUrl ? [APP_ORIGIN, new URL(devUrl).origin] : [APP_ORIGIN];

registerAppScheme();
lockDownWebContents(allowedOrigins);

app
  .whenReady()
  .then(() => {
    let workspace: Workspace;
    try {
      workspace = Workspace.init(resolveWorkspaceHome(undefined), userInfo().username).workspace;
    } catch (e) {
      // A refused workspace (not SQLite, newer schema, unwritable) is shown, never "repaired".
      const code = (e as { code?: string }).code ?? 'INTERNAL';
      dialog.showErrorBox('Hallmark cannot open its workspace', `${code}: ${(e as Error).message}`);
      app.exit(2);
      return;
    }
    // Our own menu, never Electron's default (Toggle Developer Tools, Reload) in a packaged build.
    Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ isPackaged: app.isPackaged, platform: process.platform, appName: app.name })));
    denyPermissions(session.defaultSession);
    serveRenderer(session.defaultSession, rendererDir);
    const station = new StationSession(workspace);
    const ceremony = new CeremonySession(workspace);
    const qa = new QaSession();
    // registerIpc passes the IPC sender as dispatch()'s caller.
    const windowOf = (caller: unknown) => (caller ? BrowserWindow.fromWebContents(caller as WebContents) : null);
    const folders = electronFolderPicker(dialog, windowOf);
    const saves = electronSaveFilePicker(dialog, windowOf);
    const unregister = registerIpc(ipcMain, createCoreHandlers(workspace, station, ceremony, { folders, saves }, qa), allowedOrigins);

    const win = new BrowserWindow(mainWindowOptions({ preloadPath, isPackaged: app.isPackaged }));
    const stopEvents = forwardCoreEvents(workspace, station, (event, payload) => sendEvent(win.webContents, event, payload), ceremony, qa);
    void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);

    app.on('window-all-closed', () => {
      stopEvents();
      unregister();
      qa.dispose();
      // A running station finishes the devices past their commit before the database closes.
      void Promise.all([station.dispose(), ceremony.dispose()]).finally(() => {
        workspace.close();
        app.quit();
      });
    });
  })
  .catch((e: unknown) => {
    // A failure while the window is being set up ends the app saying so, not as an unhandled rejection behind no window.
    dialog.showErrorBox('Hallmark could not start', e instanceof Error ? e.message : String(e));
    app.exit(2);
  });
