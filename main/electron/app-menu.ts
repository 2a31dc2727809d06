import { Menu, type MenuItemConstructorOptions } from 'electron';

export function buildAppMenu(actions: { restartGateway: () => void }): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'Gateway', submenu: [{ label: 'Restart gateway', click: actions.restartGateway }] },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
