// Turns the workspace file's text into a validated Workspace and back.
import * as yaml from 'yaml';
import { DocumentSyntaxError, parseJsonOrYaml } from '../../../gateway/config/parse-document';
import type { Workspace } from '../../../gateway/config/schema';
import { WorkspaceValidationError, validateWorkspace, type ValidationResult } from '../../../gateway/config/validate';
import type { WorkspaceFileProblem } from './workspace-errors';
import { WorkspaceVersionError } from './workspace-errors';
import { migrateWorkspaceDocument, type WorkspaceMigration } from './workspace-migrations';

export type DecodedWorkspace =
  | { ok: true; workspace: Workspace; fromVersion: number; migrations: string[] }
  | { ok: false; problem: WorkspaceFileProblem };

/** How a decoded document is checked: as a new workspace, or (validateStoredWorkspace) as a file read back. */
export type WorkspaceValidator = (input: unknown) => ValidationResult<Workspace>;

/** Parses, migrates and validates a document already parsed from JSON. */
export function decodeWorkspaceDocument(document: unknown, source: string, migrations?: readonly WorkspaceMigration[], validate: WorkspaceValidator = validateWorkspace): DecodedWorkspace {
  try {
    const migrated = migrateWorkspaceDocument(document, source, migrations);
    const result = validate(migrated.document);
    if (!result.ok) return { ok: false, problem: new WorkspaceValidationError(result.errors, source) };
    return { ok: true, workspace: result.value, fromVersion: migrated.fromVersion, migrations: migrated.applied };
  } catch (error) {
    if (error instanceof WorkspaceVersionError) return { ok: false, problem: error };
    throw error;
  }
}

export function decodeWorkspaceText(text: string, source: string, migrations?: readonly WorkspaceMigration[], validate?: WorkspaceValidator): DecodedWorkspace {
  let document: unknown;
  try {
    document = parseJsonOrYaml(text, source, yaml);
  } catch (error) {
    if (error instanceof DocumentSyntaxError) return { ok: false, problem: error };
    throw error;
  }
  return decodeWorkspaceDocument(document, source, migrations, validate);
}

/**
 * The workspace as its file holds it: YAML for a file named `.yaml`/`.yml` (one a user wrote and serves with
 * `--config` stays in the format they chose; its comments do not survive: the store keeps the text that held them,
 * hasComments), JSON otherwise.
 */
export function encodeWorkspace(workspace: Workspace, fileName = ''): string {
  return /\.ya?ml$/i.test(fileName) ? yaml.stringify(workspace) : `${JSON.stringify(workspace, null, 2)}\n`;
}

/** Whether a YAML (or JSON) text holds a comment: what encodeWorkspace's text would not keep. */
export function hasComments(text: string): boolean {
  if (!text.includes('#')) return false;
  const doc = yaml.parseDocument(text);
  if (doc.commentBefore || doc.comment) return true;
  let found = false;
  yaml.visit(doc, (_key, node) => {
    if ((yaml.isNode(node) && (node.commentBefore || node.comment)) || (yaml.isPair(node) && yaml.isNode(node.key) && (node.key.commentBefore || node.key.comment))) {
      found = true;
      return yaml.visit.BREAK;
    }
    return undefined;
  });
  return found;
}
