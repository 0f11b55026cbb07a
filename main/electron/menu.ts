/** The application menu: the usual items, with roles so Electron supplies the behaviour. */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openRunsFolder(): void;
  openDocs(): void;
  showAbout(): void;
}

export function menuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
  options: { devTools: boolean },
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { role: 'forceReload' },
    ...(options.devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Runs Folder', click: () => actions.openRunsFolder() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'RelaxCert Documentation', click: () => actions.openDocs() },
        ...(mac ? [] : [{ label: 'About RelaxCert', click: () => actions.showAbout() }]),
      ],
    },
  ];
}
