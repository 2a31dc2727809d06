// The action bar every form ends with: what the last save said, Save, Discard changes while there are any, and
// Delete for a saved item. It sticks to the bottom of the view, so the message and the buttons stay in sight.
import type { ReactNode } from 'react';
import { FormMessages, type FormStatus } from './FormMessages';

interface FormActionsProps {
  status: FormStatus;
  saveLabel: string;
  /** Shown while the form differs from what is saved. */
  onDiscard?: () => void;
  dirty?: boolean;
  /** For a saved item. */
  onDelete?: () => void;
  deleteLabel?: string;
  /** Extra buttons after Save (Cancel, say). */
  children?: ReactNode;
}

export function FormActions({ status, saveLabel, onDiscard, dirty, onDelete, deleteLabel, children }: FormActionsProps) {
  return (
    <div className="form-actions">
      <FormMessages status={status} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={status.kind === 'saving'} aria-keyshortcuts="Control+S Meta+S">
          {saveLabel}
        </button>
        {dirty && onDiscard && (
          <button type="button" className="secondary" onClick={onDiscard}>
            Discard changes
          </button>
        )}
        {children}
        <span className="spacer" />
        {onDelete && (
          <button type="button" className="danger-outline" onClick={onDelete}>
            {deleteLabel}
          </button>
        )}
      </div>
    </div>
  );
}
