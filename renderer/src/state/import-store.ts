// The Import screen's document import: the text (pasted, picked or dropped), its name, namespace and placeholder
// values, the preview and what the last step said. Kept here so it survives switching screens.
import { create } from 'zustand';
import type { DocumentImportPreview, DocumentImportRequest } from '../../../main/ipc/contract';
import type { FieldError } from '../../../gateway/config/validate';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure, withoutRequestPrefix } from '../api/ipc-error';
import { findPlaceholders } from '../model/import-placeholders';
import { servedSummary } from '../model/served-config';
import { useSecretsStore } from './secrets-store';
import { useStatusStore } from './status-store';
import { counted } from '../../../gateway/config/counted';

export type ImportOutcome = { kind: 'idle' } | { kind: 'busy'; what: string } | { kind: 'ok'; message: string; notes?: string[] } | { kind: 'error'; message: string; errors: FieldError[]; code?: string };

interface ImportState {
  text: string;
  /** Where the text came from, when it was a file. */
  fileName: string | undefined;
  name: string;
  namespace: string;
  vars: Record<string, string>;
  /** A Secret's `data` values are plain text to keep as written, not base64. */
  plainSecretData: boolean;
  preview: DocumentImportPreview | undefined;
  outcome: ImportOutcome;
  /** Problems of the fields above (text, name, namespace, vars.*). */
  fieldErrors: FieldError[];
  /** Any change to what would be imported drops the preview: it no longer says what the import adds. */
  edit(patch: Partial<Pick<ImportState, 'text' | 'fileName' | 'name' | 'namespace' | 'vars' | 'plainSecretData'>>): void;
  previewNow(): Promise<void>;
  importNow(): Promise<void>;
}

/** "2 services, 1 route and 1 secret to the vault": only what the document holds. */
export function importedCounts(preview: DocumentImportPreview): string {
  const parts = [
    preview.services.length > 0 ? counted(preview.services.length, 'service') : '',
    preview.routes.length > 0 ? counted(preview.routes.length, 'route') : '',
    preview.consumers.length > 0 ? counted(preview.consumers.length, 'consumer') : '',
    preview.applications.length > 0 ? counted(preview.applications.length, 'Kyma application') : '',
    preview.secrets.length > 0 ? `${counted(preview.secrets.length, 'secret')} to the vault` : '',
  ].filter(Boolean);
  if (parts.length === 0) return 'nothing';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Main's import speaks to the CLI too; here placeholders are fields, not `--var` options. */
function inScreenWords(errors: FieldError[]): FieldError[] {
  return errors.map((e) => (e.path === '(placeholders)' ? { ...e, path: 'vars', message: `${e.message.replace(/:\s*give --var.*$/, '').replace(/\{\{(\w+)\}\}/g, '$1')}: fill in the placeholder fields` } : e));
}

/**
 * A document whose merge leaves the workspace invalid, field by field: said by Preview, before Import is offered,
 * as Import says it.
 */
function wouldBeInvalid(lead: string, errors: FieldError[], after = ''): ImportOutcome {
  return { kind: 'error', message: `${lead}: the workspace would be invalid.${after}`, errors };
}

export const useImportStore = create<ImportState>((set, get) => {
  const request = (): DocumentImportRequest => {
    const { text, name, namespace, vars, plainSecretData } = get();
    const r: DocumentImportRequest = { text };
    if (name.trim()) r.name = name.trim();
    if (namespace.trim()) r.namespace = namespace.trim();
    const filled = Object.fromEntries(findPlaceholders(text).filter((p) => (vars[p.name] ?? '') !== '').map((p) => [p.name, vars[p.name]!]));
    if (Object.keys(filled).length > 0) r.vars = filled;
    if (plainSecretData) r.plainSecretData = true;
    return r;
  };
  const failed = (error: unknown, what: string) => {
    const failure = toFailure(error);
    const errors = inScreenWords(withoutRequestPrefix(failure.errors));
    const message = failure.message.replace(/:\s*give --var.*$/, ': fill in the placeholder fields').replace(/\{\{(\w+)\}\}/g, '$1');
    set({ fieldErrors: errors, outcome: { kind: 'error', message: `${what}: ${message}`, errors: errors.filter((e) => !['text', 'name', 'namespace', 'vars'].includes(e.path) && !e.path.startsWith('vars.')), ...(failure.code ? { code: failure.code } : {}) } });
  };
  return {
    text: '',
    fileName: undefined,
    name: '',
    namespace: '',
    vars: {},
    plainSecretData: false,
    preview: undefined,
    outcome: { kind: 'idle' },
    fieldErrors: [],
    edit(patch) {
      set({ ...patch, preview: undefined });
    },
    async previewNow() {
      set({ outcome: { kind: 'busy', what: 'Reading the document' }, fieldErrors: [] });
      try {
        const preview = await gatehouse().invoke('import:preview', request());
        // Listed, its items would read as importable: the refusal alone is shown, and Import is not offered.
        if (preview.errors) return set({ preview: undefined, outcome: wouldBeInvalid('Cannot import this', preview.errors) });
        set({ preview, outcome: { kind: 'idle' } });
      } catch (error) {
        set({ preview: undefined });
        failed(error, 'Cannot import this');
      }
    },
    async importNow() {
      set({ outcome: { kind: 'busy', what: 'Importing' } });
      const preview = get().preview;
      try {
        const result = await gatehouse().invoke('import:apply', request());
        if (!result.ok) return set({ outcome: wouldBeInvalid('Not imported', result.errors, ' Nothing was saved or stored, its secrets included.') });
        // The saved workspace arrives as a `workspace` event; the status as part of the answer.
        useStatusStore.getState().setGateway(result.gateway);
        await useSecretsStore.getState().load();
        const summary = servedSummary(result.gateway);
        const served = summary.kind === 'all' ? '' : ` Saved, not all served — ${summary.headline.toLowerCase()}: ${summary.reason}.`;
        set({ outcome: { kind: 'ok', message: `Imported ${preview ? importedCounts(preview) : 'the document'}.${served}`, notes: result.notes }, preview: undefined, text: '', fileName: undefined, vars: {}, plainSecretData: false });
      } catch (error) {
        failed(error, 'Not imported');
      }
    },
  };
});
