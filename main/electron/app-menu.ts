// The app menu: the usual File, Edit and View entries with their accelerators. It stays thin: what a command
// does lives in the renderer (Save submits the open form, as Ctrl/Cmd+S does there).
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../ipc/contract';

export function buildAppMenu(actions: { restartGateway: () => void; command: (command: MenuCommand) => void }): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => actions.command('save') },
        { label: 'Import…', accelerator: 'CmdOrCtrl+O', click: () => actions.command('import') },
        { type: 'separator' },
        { role: process.platform === 'darwin' ? 'close' : 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { label: 'Gateway', submenu: [{ label: 'Restart gateway', click: actions.restartGateway }] },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
