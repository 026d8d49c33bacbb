import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate, menuRoles } from '../../main/shell/application-menu.js';
import { mainWindowOptions } from '../../main/shell/window-options.js';

const accelerators = (t: readonly MenuItemConstructorOptions[]): string[] =>
  t.flatMap((i) => [...(typeof i.accelerator === 'string' ? [i.accelerator] : []), ...(Array.isArray(i.submenu) ? accelerators(i.submenu) : [])]);

describe('the locked-down shell', () => {
  it('has no DevTools in a packaged build, and keeps them for a development build', () => {
    const packaged = mainWindowOptions({ preloadPath: '/app/preload/index.cjs', isPackaged: true });
    expect(packaged.webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: '/p', isPackaged: false }).webPreferences?.devTools).toBe(true);
    // the rest of the hardening stays as it was
    expect(packaged.webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it.each(['linux', 'win32', 'darwin'] as const)('packaged on %s: our own menu, without Toggle Developer Tools or reload', (platform) => {
    const template = applicationMenuTemplate({ isPackaged: true, platform });
    const roles = menuRoles(template);
    for (const forbidden of ['toggleDevTools', 'reload', 'forceReload', 'viewMenu', 'windowMenu', 'appMenu', 'fileMenu', 'editMenu'])
      expect(roles).not.toContain(forbidden);
    // Electron's default menu wires DevTools and reload to these; ours names no accelerator at all.
    expect(accelerators(template)).toEqual([]);
    expect(roles).toContain('quit');
    expect(roles).toEqual(expect.arrayContaining(['copy', 'paste']));
  });

  it('a development build adds reload and DevTools, and only there', () => {
    const roles = menuRoles(applicationMenuTemplate({ isPackaged: false, platform: 'linux' }));
    expect(roles).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });
});
