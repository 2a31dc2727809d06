// The one save path of every form (service, Kyma application, route, consumer, secret):
// edit → validate → write secrets and save → report. A form says what its edit is, which secrets it writes and
// which fields it shows; this hook does the steps in order, stops at the first that fails with the problems on
// the fields (focus moves to the first), and reports what was saved and what the gateway made of it.
import { useCallback, useEffect, useState } from 'react';
import { formatFieldPath, validateWith, type FieldError } from '../../../gateway/config/validate';
import { channels, type GatewayStatus } from '../../../main/ipc/contract';
import { useFocusFirstError } from '../components/use-focus-first-error';
import { FieldErrors, type FieldPath } from '../model/field-errors';
import { savedNotice } from '../model/served-config';
import { secretUpdateRequest, useSecretsStore, type SecretRef } from '../state/secrets-store';
import { useWorkspaceStore, type SaveOutcome, type WorkspaceEdit } from '../state/workspace-store';
import { useStatusStore } from '../state/status-store';
import { UNREACHABLE, type Workspace } from '../../../gateway/config/schema';
import type { FormStatus } from './FormMessages';

/** Keys of one secret to write with the workspace (other stored keys are kept by main). */
export interface SecretWrite {
  ref: SecretRef;
  set: Record<string, string>;
  remove?: readonly string[];
  /** The field (absolute path) that shows a failure to write it. */
  field: string;
  /** Where the form shows the secret's name and namespace, when not at `field` (the Secrets form's own Name and Namespace). */
  refFields?: { name: string; namespace: string };
  /** A new secret (the Secrets form's): main refuses it, writing nothing, when the vault holds one by that name. */
  createOnly?: boolean;
}

export interface SaveRequest {
  /** The workspace edit; a form that writes only secrets has none. */
  edit?: WorkspaceEdit;
  /** The edited item's path in the workspace, as the edit placed it (read after the edit ran). */
  at?: () => FieldPath;
  /** Problems of the form itself (absolute paths), found before anything is written; each secret write is checked here too. */
  problems?: () => FieldError[];
  /** Checks that need main (a certificate and its key), run after the local checks and before any write. */
  preflight?: () => Promise<FieldError[]>;
  secrets?: readonly SecretWrite[];
  /** "Service erp saved." */
  message: (workspace: Workspace | undefined) => string;
  /** Rewrites the problems before they are shown (a form that names a field more precisely than the schema). */
  refine?: (errors: FieldError[]) => FieldError[];
}

export type SaveDone = { ok: true; workspace: Workspace | undefined; gateway: GatewayStatus | undefined } | { ok: false };

const NOT_SAVED = 'Not saved: fix the fields marked in red.';

/** The field that shows a problem of a secret write's `name` or `namespace`; undefined for a problem of its keys. */
function refField(write: SecretWrite, path: string): string | undefined {
  return path === 'name' || path === 'namespace' ? (write.refFields?.[path] ?? write.field) : undefined;
}

/**
 * A secret write checked with the request schema main applies to it, on the field that shows it: before any
 * write, so a form writing two secrets never leaves the first in the vault when main would refuse the second.
 * The secret's name and namespace are the form's own (its edit names them, checked by the workspace schema with the
 * same rule, or it checks them itself): a rule `said` already says is not said a second time.
 */
function secretWriteProblems(write: SecretWrite, said: readonly FieldError[]): FieldError[] {
  const check = validateWith(channels['secrets:update'].request, secretUpdateRequest(write.ref, write.set, write.remove));
  if (check.ok) return [];
  return check.errors.flatMap((err) => {
    const ref = refField(write, err.path);
    if (ref !== undefined) return said.some((e) => e.message === err.message || e.message.endsWith(`: ${err.message}`)) ? [] : [{ path: ref, message: err.message }];
    // The field may show the secret rather than the value at fault (a service's secret name): say which key it is.
    const key = /^set(?:\.(.+)|\["(.+)"\])$/.exec(err.path);
    return [{ path: write.field, message: key ? `key "${key[1] ?? key[2]}": ${err.message}` : err.message }];
  });
}

/** The write main names as the one it could not make (`secrets[i]`), with its reason. */
function failedWrite(errors: readonly FieldError[], writes: readonly SecretWrite[]): { write: SecretWrite; reason: string } | undefined {
  for (const e of errors) {
    const write = writes[Number(/^secrets\[(\d+)\]$/.exec(e.path)?.[1])];
    if (write) return { write, reason: e.message };
  }
  return undefined;
}

/**
 * A name taken by another item is reported on whichever of the two comes later in the list; the form being
 * edited is the one whose name the user just chose, so its own field is marked too. So is a path that leaves a
 * later item of its list no request (reported on that item's path field).
 */
export function claimDuplicates(errors: readonly FieldError[], at: FieldPath): FieldError[] {
  if (at.length !== 2 || typeof at[1] !== 'number') return [...errors];
  const list = String(at[0]);
  const own = formatFieldPath([...at]);
  const claimed: FieldError[] = [];
  for (const e of errors) {
    const m = new RegExp(`^${list}\\[(\\d+)\\](\\..+)$`).exec(e.path);
    if (m && (e.message.startsWith('duplicate') || e.message.includes(UNREACHABLE)) && `${list}[${m[1]}]` !== own && !errors.some((o) => o.path === `${own}${m[2]}`)) claimed.push({ ...e, path: `${own}${m[2]}` });
  }
  return [...errors, ...claimed];
}

/** The save whose notice follows the gateway: the workspace revision it left and the items it saved. */
interface Followed {
  revision: string | undefined;
  paths: readonly string[];
}

export function useFormSave(options: { fields: () => readonly FieldPath[]; itemPaths?: () => readonly string[] }) {
  const [formRef, focusFirstError] = useFocusFirstError();
  const [errors, setErrors] = useState(FieldErrors.none);
  const [status, setStatusNow] = useState<FormStatus>({ kind: 'idle' });
  const [followed, setFollowed] = useState<Followed | undefined>();
  const gateway = useStatusStore((s) => s.gateway);
  const revision = useWorkspaceStore((s) => s.revision);

  // Any other status ends the following of the last save.
  const setStatus = useCallback((next: FormStatus) => {
    setFollowed(undefined);
    setStatusNow(next);
  }, []);

  // A saved notice says what the gateway makes of the saved revision as it changes (a gateway that was down serves
  // it once it is back; one that left an item out may serve it later), for as long as the workspace is the revision
  // this save left: once another save or program replaces it, the gateway's status is about that one, and the notice
  // keeps the last thing that was true of this save.
  useEffect(() => {
    if (!followed || followed.revision !== revision) return;
    const warning = savedNotice(gateway, followed.paths);
    setStatusNow((current) => (current.kind === 'saved' && current.warning !== warning ? { ...current, warning } : current));
  }, [gateway, revision, followed]);

  const reset = useCallback(() => {
    setErrors(FieldErrors.none);
    setStatus({ kind: 'idle' });
  }, [setStatus]);

  const fail = (found: readonly FieldError[], at: FieldPath, message = NOT_SAVED, refine?: SaveRequest['refine']): SaveDone => {
    const claimed = claimDuplicates(found, at);
    const fieldErrors = new FieldErrors(refine ? refine(claimed) : claimed, at);
    setErrors(fieldErrors);
    setStatus({ kind: 'error', message, unclaimed: fieldErrors.unclaimed(options.fields()) });
    focusFirstError();
    return { ok: false };
  };

  async function run(request: SaveRequest): Promise<SaveDone> {
    setStatus({ kind: 'saving' });
    const store = useWorkspaceStore.getState();
    const at = () => request.at?.() ?? [];
    // 1. The edit, checked with the schema main applies, and the form's own checks: before anything is written.
    let planned: ReturnType<typeof store.plan> | undefined;
    if (request.edit) {
      planned = store.plan(request.edit);
      if (!planned.ok && planned.errors.length === 0) return fail([], at(), planned.message);
    }
    const own = [...(planned && !planned.ok ? planned.errors : []), ...(request.problems?.() ?? [])];
    const found = [...own, ...(request.secrets ?? []).flatMap((write) => secretWriteProblems(write, own))];
    if (found.length > 0) return fail(found, at(), NOT_SAVED, request.refine);
    const preflight = (await request.preflight?.()) ?? [];
    if (preflight.length > 0) return fail(preflight, at(), NOT_SAVED, request.refine);
    // A secret main could not write, said once on the field that shows it.
    const notWritten = (write: SecretWrite, detail: string): SaveDone => {
      // Main names the secret itself (`secret "x" key "headers"…: …`): said once, by this message.
      const own = `secret "${write.ref.name}" `;
      const reason = detail.startsWith(own) ? detail.slice(own.length) : detail;
      return fail([{ path: write.field, message: `secret "${write.ref.name}" was not saved: ${reason}` }], at(), `Not saved: secret "${write.ref.name}" could not be written to the vault.`);
    };
    const secrets = request.secrets ?? [];
    let gateway: GatewayStatus | undefined;
    let workspace: Workspace | undefined;
    if (request.edit) {
      // 2. The secrets with the workspace that names them, in one round trip that answers with what the gateway
      // serves: main writes them only for a save it takes, and puts them back when the save is refused all the same
      // (another program changed the file just now), so a "Not saved" leaves the vault as it was.
      const outcome: SaveOutcome = await store.save(request.edit, secrets.map((w) => secretUpdateRequest(w.ref, w.set, w.remove)));
      if (!outcome.ok) {
        const failed = failedWrite(outcome.errors, secrets);
        if (failed) return notWritten(failed.write, failed.reason);
        return fail(outcome.errors, at(), outcome.errors.length > 0 ? NOT_SAVED : outcome.message, request.refine);
      }
      workspace = outcome.workspace;
      gateway = outcome.gateway;
      // The Secrets screen and the forms' vault notes read the list.
      if (secrets.length > 0) await useSecretsStore.getState().load();
    } else {
      // 2. A form with no workspace edit (a secret itself) writes its keys alone.
      for (const write of secrets) {
        const written = await useSecretsStore.getState().update(write.ref, write.set, write.remove, write.createOnly);
        if (!written.ok) {
          // Main refusing the name itself (a new secret's, taken since the list was read) is said where it is typed.
          const onRef = written.errors.flatMap((e) => { const path = write.refFields && refField(write, e.path); return path ? [{ path, message: e.message }] : []; });
          if (onRef.length > 0) return fail(onRef, at());
          return notWritten(write, written.errors.map((e) => e.message).join('; ') || written.message);
        }
        gateway = written.gateway;
      }
    }
    // 3. The report: saved, and whether the gateway serves it.
    const paths = options.itemPaths?.() ?? (request.at ? [formatFieldPath([...at()])] : []);
    const warning = gateway ? savedNotice(gateway, paths) : undefined;
    setErrors(FieldErrors.none);
    setStatus({ kind: 'saved', message: request.message(workspace), warning });
    if (gateway) setFollowed({ revision: useWorkspaceStore.getState().revision, paths });
    return { ok: true, workspace, gateway };
  }

  return { formRef, errors, setErrors, status, setStatus, reset, run, saving: status.kind === 'saving' };
}
