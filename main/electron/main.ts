// Electron entry: thin glue. Everything it wires up is a plain-Node service tested without Electron.
import { app, BrowserWindow, Menu, Tray, dialog, nativeImage } from 'electron';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createAppServices, type AppServices } from '../app/app-services';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { createMainWindow } from './main-window';
import { registerIpc, sendEvent } from './ipc-electron';
import { forkUtilityGateway } from './utility-gateway-process';
import { buildAppMenu } from './app-menu';
import { chooseKubeconfigFile } from './kubeconfig-dialog';

const outDir = fileURLToPath(new URL('..', import.meta.url));
let window: BrowserWindow | undefined;
let services: AppServices | undefined;
let tray: Tray | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(async () => {
    serveRenderer(join(outDir, 'renderer'));
    services = await createAppServices({
      dataDir: app.getPath('userData'),
      spawnGateway: () => forkUtilityGateway(join(outDir, 'gateway/entry.cjs')),
      appVersion: app.getVersion(),
      chooseSaveFile: async ({ title, defaultName, filters }) => {
        const options = { title, defaultPath: join(app.getPath('downloads'), defaultName), filters };
        const chosen = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return chosen.canceled ? undefined : chosen.filePath;
      },
      chooseKubeconfigFile: () => chooseKubeconfigFile(window),
    });
    registerIpc(services.dispatch, () => window);
    services.onEvent((event, payload) => sendEvent(window, event, payload as never));
    services.onEvent((event) => {
      if (event === 'gateway-status') updateTray();
    });
    Menu.setApplicationMenu(buildAppMenu({ restartGateway: () => void services?.restartGateway(), command: (command) => sendEvent(window, 'menu-command', command) }));
    window = createMainWindow(join(outDir, 'preload/preload.cjs'));
    tray = new Tray(nativeImage.createFromPath(join(outDir, '../assets/tray.png')));
    updateTray();
    await services.startGateway();
  });

  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    // Stop the gateway first so no orphan process outlives the app.
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    void services.shutdown().finally(() => app.quit());
  });
}

function updateTray(): void {
  const status = services?.gatewayStatus();
  if (!tray || !status) return;
  tray.setToolTip(status.state === 'running' ? `Gatehouse gateway on ${status.url}` : `Gatehouse gateway: ${status.state}`);
}
