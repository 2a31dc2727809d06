// Threat model: the renderer shows data from untrusted places (imported documents, upstream responses).
// If it is ever compromised it must hold no Node, no way to navigate or open windows, and only the
// narrow `window.gatehouse` API whose every payload main validates.
import { BrowserWindow, dialog } from 'electron';
import { APP_ORIGIN } from './app-protocol';

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Gatehouse',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would open links outside will-navigate's reach.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Checks without a request (what navigator.permissions.query and some APIs ask) are answered no as well.
  window.webContents.session.setPermissionCheckHandler(() => false);
  // The renderer refuses `beforeunload` while a form has unsaved changes; Electron shows no prompt of its
  // own, so ask here. preventDefault() lets the window close (or reload) anyway.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Discard changes', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'Discard unsaved changes?',
      detail: 'A form in Gatehouse has changes that are not saved.',
    });
    if (choice === 0) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
