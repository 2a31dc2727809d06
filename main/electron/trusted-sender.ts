import { APP_ORIGIN } from './app-origin';

interface WindowLike {
  isDestroyed(): boolean;
  webContents: { id: number };
}

/** The sending frame, as Electron's WebFrameMain has it: a subframe has a parent. */
interface FrameLike {
  url: string;
  parent: unknown;
}

/** IPC is answered only for the app's own page in the app's own window (not a frame, not another window). */
export function isTrustedSender(window: WindowLike | undefined, frame: FrameLike | null | undefined, senderId: number): boolean {
  if (!window || window.isDestroyed() || window.webContents.id !== senderId || !frame || frame.parent !== null) return false;
  try {
    // WHATWG URL gives custom schemes an opaque ("null") origin, so compare scheme and host.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
