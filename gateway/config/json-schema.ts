import './zod-jitless';
import * as z from 'zod';
import { Workspace } from './schema';

/** JSON Schema of the workspace file, for editors (`"$schema": "./workspace.schema.json"`). */
export function workspaceJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Workspace, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}
