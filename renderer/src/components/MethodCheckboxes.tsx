import { HTTP_METHODS, type HttpMethod } from '../../../gateway/config/schema';
import type { FieldMessage } from '../model/field-errors';
import { FieldGroup } from './Field';

interface MethodCheckboxesProps {
  id: string;
  value: readonly HttpMethod[];
  onChange: (methods: HttpMethod[]) => void;
  errors?: readonly FieldMessage[];
}

export function MethodCheckboxes({ id, value, onChange, errors }: MethodCheckboxesProps) {
  const toggle = (method: HttpMethod, on: boolean) => onChange(HTTP_METHODS.filter((m) => (m === method ? on : value.includes(m))));
  return (
    <FieldGroup id={id} legend="Methods" hint="None checked: the route answers every method." errors={errors}>
      <div className="checkbox-row">
        {HTTP_METHODS.map((m) => (
          <label key={m} className="checkbox-chip">
            <input type="checkbox" checked={value.includes(m)} onChange={(e) => toggle(m, e.target.checked)} />
            <span className="mono">{m}</span>
          </label>
        ))}
      </div>
    </FieldGroup>
  );
}
