// Values typed into a form for a secret other items read (another service's credentials, a consumer's password,
// a Kyma application's service) change what those send or accept too. Every form that writes typed-in values
// into a named secret asks here first, naming who else reads which keys; a "no" is said on the field that names
// the secret, so nothing is written and nothing is saved.
import type { FieldError } from '../../../gateway/config/validate';
import { describeReaders, otherReaders, secretId, secretUses } from '../model/secret-usage';
import { confirmAction } from '../state/confirm-store';
import { useWorkspaceStore } from '../state/workspace-store';

/** One write a form is about to make, as the question needs it. */
export interface SharedWriteTarget {
  name: string;
  namespace?: string;
  /** The keys the write sets (a key others do not read is no change to them). */
  keys: readonly string[];
  /** Who the form edits, as secretUses names it (`service erp`, `application shop, service orders`); undefined for a new item. */
  owner: string | undefined;
}

/** Asks once for every write into a secret others read; resolves the problems to show when the user says no. */
export async function confirmSharedWrites<W>(writes: readonly W[], target: (write: W) => SharedWriteTarget, errorAt: (write: W, message: string) => FieldError): Promise<FieldError[]> {
  const workspace = useWorkspaceStore.getState().workspace;
  if (!workspace) return [];
  const uses = secretUses(workspace);
  const shared = writes.flatMap((write) => {
    const t = target(write);
    const readers = otherReaders(uses, t, t.owner);
    return readers.length > 0 ? [{ write, id: secretId(t.name, t.namespace), readers }] : [];
  });
  if (shared.length === 0) return [];
  const confirmed = await confirmAction({
    title: shared.length === 1 ? `Write into secret ${shared[0]!.id}?` : 'Write into secrets other items use?',
    message: shared.map((s) => `${s.id} is also read by ${describeReaders(s.readers)}: saving changes it for them too.`).join(' '),
    confirmLabel: shared.length === 1 ? 'Write into the shared secret' : 'Write into the shared secrets',
    danger: true,
  });
  if (confirmed) return [];
  return shared.map((s) => errorAt(s.write, `also read by ${describeReaders(s.readers)}: choose another secret name to leave theirs as it is`));
}
