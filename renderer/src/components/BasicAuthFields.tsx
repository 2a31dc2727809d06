// The basic-auth plugin of a service or a route. A route's plugin overrides its service's ("inherit" = none
// on the route). Errors are looked up under `plugins["basic-auth"]` of the item being edited.
import type { BasicAuthDraft, BasicAuthMode } from '../model/drafts';
import type { FieldErrors } from '../model/field-errors';
import { CheckboxField, Field, FieldGroup, RadioGroup } from './Field';

const PLUGIN = ['plugins', 'basic-auth'] as const;

interface BasicAuthFieldsProps {
  idPrefix: string;
  value: BasicAuthDraft;
  onChange: (value: BasicAuthDraft) => void;
  errors: FieldErrors;
  consumers: readonly string[];
  /** For routes: what "inherit" means right now (the service's effective setting). */
  inherited?: { serviceName: string; enabled: boolean };
}

export function BasicAuthFields({ idPrefix, value, onChange, errors, consumers, inherited }: BasicAuthFieldsProps) {
  const set = (patch: Partial<BasicAuthDraft>) => onChange({ ...value, ...patch });
  const modes: { value: BasicAuthMode; label: string }[] = inherited
    ? [
        { value: 'inherit', label: `As the service (${inherited.enabled ? 'on' : 'off'})` },
        { value: 'on', label: 'On for this route' },
        { value: 'off', label: 'Off for this route' },
      ]
    : [
        { value: 'off', label: 'Off' },
        { value: 'on', label: 'On' },
      ];
  // Errors of the settings below show there; the rest (and all of them while the settings are hidden) here.
  const shownBelow = value.mode === 'on' ? ['.realm', '.hideCredentials', '.anonymousConsumer'] : [];
  const groupErrors = errors.for(PLUGIN).filter((m) => !shownBelow.includes(m.detail));
  const anonymousKnown = value.anonymousConsumer === '' || consumers.includes(value.anonymousConsumer);
  return (
    <FieldGroup
      id={`${idPrefix}-basic-auth`}
      legend="Basic auth"
      hint={inherited ? `Requests need a consumer's username and password. A route's setting overrides service ${inherited.serviceName}'s.` : "Requests need a consumer's username and password (401 with WWW-Authenticate otherwise)."}
      errors={groupErrors}
    >
      <RadioGroup name={`${idPrefix}-basic-auth-mode`} value={value.mode} options={modes} onChange={(mode) => set({ mode })} />
      {value.mode === 'on' && (
        <div className="sub-fields">
          <Field id={`${idPrefix}-realm`} label="Realm" hint={'Sent in WWW-Authenticate: Basic realm="…".'} errors={errors.for([...PLUGIN, 'realm'])}>
            {(c) => <input {...c} value={value.realm} onChange={(e) => set({ realm: e.target.value })} spellCheck={false} />}
          </Field>
          <CheckboxField
            id={`${idPrefix}-hide-credentials`}
            label="Hide credentials from the upstream"
            hint={value.hideCredentials ? 'Removes the Authorization header before forwarding.' : 'Off: the caller’s Authorization header (its username and password) reaches the upstream.'}
            checked={value.hideCredentials}
            onChange={(hideCredentials) => set({ hideCredentials })}
            errors={errors.for([...PLUGIN, 'hideCredentials'])}
          />
          <Field id={`${idPrefix}-anonymous`} label="Anonymous consumer" hint="Requests without valid credentials (missing, wrong or malformed) pass as this consumer." errors={errors.for([...PLUGIN, 'anonymousConsumer'])}>
            {(c) => (
              <select {...c} value={value.anonymousConsumer} onChange={(e) => set({ anonymousConsumer: e.target.value })}>
                <option value="">None: credentials required</option>
                {consumers.map((name) => (
                  <option key={name} value={name}>{name}</option>
                ))}
                {!anonymousKnown && <option value={value.anonymousConsumer}>{value.anonymousConsumer} (no such consumer)</option>}
              </select>
            )}
          </Field>
        </div>
      )}
    </FieldGroup>
  );
}
