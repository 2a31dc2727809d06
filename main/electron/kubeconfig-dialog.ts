// The native open-file dialog for choosing a kubeconfig: the only way a file path reaches the cluster service
// from the GUI, so the renderer can never name a file for main to read.
import { dialog, type BrowserWindow } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';

export async function chooseKubeconfigFile(window: BrowserWindow | undefined): Promise<string | undefined> {
  const options: Electron.OpenDialogOptions = {
    title: 'Choose a kubeconfig file',
    defaultPath: join(homedir(), '.kube'),
    properties: ['openFile', 'showHiddenFiles'],
  };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}
