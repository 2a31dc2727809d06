// Rows of name/value pairs (request headers, a secret's keys) with add and remove.
import type { FieldMessage } from '../model/field-errors';
import { FieldMessages } from './Field';

import type { KeyValueRow } from '../model/key-value-rows';

export type { KeyValueRow };

interface KeyValueEditorProps<R extends KeyValueRow> {
  idPrefix: string;
  rows: readonly R[];
  onChange: (rows: R[]) => void;
  onAdd: () => void;
  nameLabel: string;
  valueLabel: string;
  addLabel: string;
  valueType?: 'text' | 'password';
  valuePlaceholder?: (row: R) => string | undefined;
  errorsFor?: (index: number, part: 'name' | 'value') => FieldMessage[];
}

export function KeyValueEditor<R extends KeyValueRow>({ idPrefix, rows, onChange, onAdd, nameLabel, valueLabel, addLabel, valueType = 'text', valuePlaceholder, errorsFor }: KeyValueEditorProps<R>) {
  const update = (index: number, patch: Partial<KeyValueRow>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <div className="kv-editor">
      {rows.length > 0 && (
        <div className="kv-row kv-head" aria-hidden="true">
          <span>{nameLabel}</span>
          <span>{valueLabel}</span>
          <span />
        </div>
      )}
      {rows.map((row, i) => {
        const nameErrors = errorsFor?.(i, 'name') ?? [];
        const valueErrors = errorsFor?.(i, 'value') ?? [];
        const nameId = `${idPrefix}-${row.id}-name`;
        const valueId = `${idPrefix}-${row.id}-value`;
        return (
          <div className="kv-row" key={row.id}>
            <div className={nameErrors.length > 0 ? 'has-error' : ''}>
              <input
                id={nameId}
                aria-label={`${nameLabel} ${i + 1}`}
                value={row.name}
                readOnly={row.fixedName}
                onChange={(e) => update(i, { name: e.target.value })}
                aria-invalid={nameErrors.length > 0 ? true : undefined}
                aria-describedby={nameErrors.length > 0 ? `${nameId}-error` : undefined}
                spellCheck={false}
                autoCapitalize="off"
                className="mono"
              />
              <FieldMessages id={`${nameId}-error`} errors={nameErrors} />
            </div>
            <div className={valueErrors.length > 0 ? 'has-error' : ''}>
              <input
                id={valueId}
                aria-label={`${valueLabel} ${i + 1}${row.name ? ` (${row.name})` : ''}`}
                type={valueType}
                value={row.value}
                placeholder={valuePlaceholder?.(row)}
                onChange={(e) => update(i, { value: e.target.value })}
                aria-invalid={valueErrors.length > 0 ? true : undefined}
                aria-describedby={valueErrors.length > 0 ? `${valueId}-error` : undefined}
                autoComplete="off"
                spellCheck={false}
                autoCapitalize="off"
              />
              <FieldMessages id={`${valueId}-error`} errors={valueErrors} />
            </div>
            <button type="button" className="secondary icon-button" aria-label={`Remove ${nameLabel.toLowerCase()} ${i + 1}${row.name ? ` (${row.name})` : ''}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" className="secondary" onClick={onAdd}>
        {addLabel}
      </button>
    </div>
  );
}
