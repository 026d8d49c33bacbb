import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options, a pure function so a unit test can hold them without
 * Electron. The renderer gets no Node, runs sandboxed and context-isolated, and in a
 * packaged build has no DevTools: DevTools hand anyone at the keyboard the raw
 * `window.hallmark` and every operation behind it, bypassing the screens' flow.
 * A development build (`!app.isPackaged`) keeps them for the developer.
 */
export function mainWindowOptions(args: { preloadPath: string; isPackaged: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    title: 'Hallmark',
    webPreferences: {
      preload: args.preloadPath,
      devTools: !args.isPackaged,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}
