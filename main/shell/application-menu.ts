import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu, ours rather than Electron's default: the default has Toggle
 * Developer Tools (Ctrl+Shift+I) and Reload / Force Reload, which in a packaged build would
 * give anyone at the keyboard the raw `window.hallmark` or drop a running ceremony's
 * screen. Packaged: quit, the edit roles (copy and paste for hashes and names), window
 * controls and zoom. A development build adds reload and DevTools for the developer.
 * Pure (a template, no Electron import at run time) so it is unit-tested without Electron;
 * main/index.ts builds it with Menu.buildFromTemplate.
 */
export function applicationMenuTemplate(args: { isPackaged: boolean; platform: NodeJS.Platform; appName?: string }): MenuItemConstructorOptions[] {
  const name = args.appName ?? 'Hallmark';
  const mac = args.platform === 'darwin';
  const menu: MenuItemConstructorOptions[] = [];
  if (mac)
    menu.push({
      label: name,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  else menu.push({ label: 'File', submenu: [{ role: 'quit' }] });
  menu.push({
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!args.isPackaged) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' });
  menu.push({ label: 'View', submenu: view });
  menu.push({
    label: 'Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });
  return menu;
}

/** Every role a template holds, submenus included (what the unit test looks through). */
export function menuRoles(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : [])]);
}
