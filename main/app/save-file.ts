// Files the user explicitly asked for (a HAR export, a response body): written by main to the path the user
// picked in the save dialog, readable by the user only, since a HAR with credentials is a secret.
import type { SaveFileResult } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import { PrivateFileError, writePrivateFile } from '../services/workspace-store';
import { fileFailureCause } from '../../gateway/errors/file-failure';

export interface SaveFileRequest {
  title: string;
  defaultName: string;
  filters?: { name: string; extensions: string[] }[];
}

/** Asks where to save; `undefined` when the user cancels. Electron's save dialog in the app. */
export type ChooseSaveFile = (request: SaveFileRequest) => Promise<string | undefined>;

export async function saveToChosenFile(choose: ChooseSaveFile | undefined, request: SaveFileRequest, data: string | Buffer): Promise<SaveFileResult> {
  if (!choose) throw new UserFacingError('GATEHOUSE_NO_SAVE_DIALOG', 'saving a file needs the app window');
  const path = await choose(request);
  if (!path) return { saved: false };
  try {
    await writePrivateFile(path, data);
  } catch (error) {
    if (error instanceof PrivateFileError) throw new UserFacingError('GATEHOUSE_SAVE_FAILED', error.message);
    throw new UserFacingError('GATEHOUSE_SAVE_FAILED', `could not write ${path}: ${fileFailureCause(error) ?? 'an unknown failure'}`);
  }
  return { saved: true, path, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
}
