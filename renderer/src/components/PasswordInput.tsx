// A password with show/hide and a strength hint. The value stays in the form's state until it is sent.
import { useState } from 'react';
import { passwordStrength } from '../model/password-strength';
import type { ControlProps } from './Field';

interface PasswordInputProps extends ControlProps {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  autoComplete?: string;
  /** Shows how easy the password is to guess. */
  showStrength?: boolean;
}

export function PasswordInput({ value, onChange, placeholder, autoComplete = 'new-password', showStrength = false, ...control }: PasswordInputProps) {
  const [visible, setVisible] = useState(false);
  const hint = passwordStrength(value);
  const strengthId = `${control.id}-strength`;
  const describedBy = [control['aria-describedby'], showStrength && hint.text ? strengthId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <div className="input-with-button">
        <input
          {...control}
          aria-describedby={describedBy}
          type={visible ? 'text' : 'password'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={placeholder}
          autoComplete={autoComplete}
          spellCheck={false}
          autoCapitalize="off"
        />
        <button type="button" className="secondary" aria-controls={control.id} aria-pressed={visible} onClick={() => setVisible((v) => !v)}>
          {visible ? 'Hide' : 'Show'}
        </button>
      </div>
      {showStrength && (
        <p id={strengthId} className={`strength strength-${hint.strength}`} aria-live="polite">
          {hint.text}
        </p>
      )}
    </>
  );
}
