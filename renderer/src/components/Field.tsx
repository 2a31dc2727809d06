// Labelled form controls with their hint and errors. The control gets `aria-describedby` pointing at both,
// and `aria-invalid` when an error (from the renderer's zod check or from main) names its field.
import type { ReactNode } from 'react';
import { describeDetail, type FieldMessage } from '../model/field-errors';

export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

function describedBy(id: string, hint: boolean, errors: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', errors ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function FieldMessages({ id, errors }: { id: string; errors: readonly FieldMessage[] }) {
  if (errors.length === 0) return null;
  return (
    <div id={id} className="field-error">
      {errors.map((e, i) => (
        <p key={i}>{e.detail ? `${describeDetail(e.detail)}: ${e.message}` : e.message}</p>
      ))}
    </div>
  );
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: readonly FieldMessage[];
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

export function Field({ id, label, hint, errors = [], className, children }: FieldProps) {
  const control: ControlProps = { id };
  if (errors.length > 0) control['aria-invalid'] = true;
  const by = describedBy(id, Boolean(hint), errors.length > 0);
  if (by) control['aria-describedby'] = by;
  return (
    <div className={`field${errors.length > 0 ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(control)}
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      <FieldMessages id={`${id}-error`} errors={errors} />
    </div>
  );
}

interface CheckboxFieldProps {
  id: string;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  errors?: readonly FieldMessage[];
}

export function CheckboxField({ id, label, checked, onChange, hint, errors = [] }: CheckboxFieldProps) {
  const by = describedBy(id, Boolean(hint), errors.length > 0);
  return (
    <div className={`field field-checkbox${errors.length > 0 ? ' has-error' : ''}`}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={by} aria-invalid={errors.length > 0 ? true : undefined} />
      <label htmlFor={id}>{label}</label>
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      <FieldMessages id={`${id}-error`} errors={errors} />
    </div>
  );
}

interface FieldGroupProps {
  id: string;
  legend: ReactNode;
  hint?: ReactNode;
  errors?: readonly FieldMessage[];
  className?: string;
  children: ReactNode;
}

/** A fieldset: radios, checkbox lists, sub-forms. Its errors show under the legend's group. */
export function FieldGroup({ id, legend, hint, errors = [], className, children }: FieldGroupProps) {
  return (
    <fieldset id={id} className={`field-group${errors.length > 0 ? ' has-error' : ''}${className ? ` ${className}` : ''}`} aria-describedby={describedBy(id, Boolean(hint), errors.length > 0)}>
      <legend>{legend}</legend>
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      {children}
      <FieldMessages id={`${id}-error`} errors={errors} />
    </fieldset>
  );
}

interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
}

interface RadioGroupProps<T extends string> {
  name: string;
  value: T;
  options: readonly RadioOption<T>[];
  onChange: (value: T) => void;
}

export function RadioGroup<T extends string>({ name, value, options, onChange }: RadioGroupProps<T>) {
  return (
    <div className="radio-row">
      {options.map((o) => (
        <label key={o.value} className="radio">
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}
