import { ipcMain, type BrowserWindow } from 'electron';
import type { IpcDispatch } from '../ipc/dispatcher';
import type { MainEvent, MainEvents } from '../ipc/contract';
import { isTrustedSender } from './trusted-sender';

export const INVOKE_CHANNEL = 'gatehouse:invoke';
export const EVENT_CHANNEL = 'gatehouse:event';

export function registerIpc(dispatch: IpcDispatch, getWindow: () => BrowserWindow | undefined): void {
  ipcMain.handle(INVOKE_CHANNEL, (event, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(getWindow(), event.senderFrame, event.sender.id)) {
      return { ok: false, error: { code: 'GATEHOUSE_FORBIDDEN_SENDER', message: 'IPC refused: not the Gatehouse window' } };
    }
    return dispatch(channel, payload);
  });
}

export function sendEvent<E extends MainEvent>(window: BrowserWindow | undefined, event: E, payload: MainEvents[E]): void {
  if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
}
