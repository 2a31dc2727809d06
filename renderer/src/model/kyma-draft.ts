// What the Kyma application form edits (strings and flags, as inputs hold them) and how a draft becomes the
// `applications[]` item the zod schema validates. Service ids are kept across edits; new services get a UUID.
import type { KymaApplication, KymaService } from '../../../gateway/config/kyma-application-schema';
import type { KYMA_CREDENTIAL_TYPES } from '../../../gateway/config/kyma-application-schema';
import { kymaServiceName } from '../../../gateway/config/kyma-services';
import { KYMA_CREDENTIAL_KEYS } from '../../../gateway/config/kyma-secret-keys';

export type KymaCredentialType = (typeof KYMA_CREDENTIAL_TYPES)[number];
export type KymaCredentialChoice = 'none' | KymaCredentialType;
export type KymaTargetErrors = KymaApplication['targetErrors'];

export interface KymaServiceDraft {
  id: string;
  name: string;
  /** While true, the name follows the display name as it is typed (new services, until the name is edited). */
  nameFollowsDisplayName: boolean;
  displayName: string;
  description: string;
  provider: string;
  targetUrl: string;
  credentialType: KymaCredentialChoice;
  secretName: string;
  authenticationUrl: string;
  csrfUrl: string;
  paramsSecret: string;
  /**
   * Credential values typed into the form (keys of KYMA_CREDENTIAL_KEYS for the type), written to the vault as
   * the named secret when the application is saved; never part of the workspace. Empty: the vault keeps its own.
   */
  credentialValues: Record<string, string>;
}

export interface KymaApplicationDraft {
  name: string;
  namespace: string;
  description: string;
  skipVerify: boolean;
  targetErrors: KymaTargetErrors;
  services: KymaServiceDraft[];
}

export const KYMA_DEFAULT_NAMESPACE = 'kyma-integration';


export { kymaServiceName };

export function kymaServiceDraft(service?: KymaService, newId: () => string = () => crypto.randomUUID()): KymaServiceDraft {
  const entry = service?.entries[0];
  const credentials = entry?.credentials;
  return {
    id: service?.id ?? newId(),
    name: service?.name ?? '',
    nameFollowsDisplayName: service === undefined,
    displayName: service?.displayName ?? '',
    description: service?.description ?? '',
    provider: service?.providerDisplayName ?? '',
    targetUrl: entry?.targetUrl ?? '',
    credentialType: credentials?.type ?? 'none',
    secretName: credentials?.secretName ?? '',
    authenticationUrl: credentials?.authenticationUrl ?? '',
    csrfUrl: credentials?.csrfInfo?.tokenEndpointURL ?? '',
    paramsSecret: entry?.requestParametersSecretName ?? '',
    credentialValues: {},
  };
}

export function kymaApplicationDraft(app?: KymaApplication): KymaApplicationDraft {
  return {
    name: app?.name ?? '',
    namespace: app?.namespace ?? KYMA_DEFAULT_NAMESPACE,
    description: app?.description ?? '',
    skipVerify: app?.skipVerify ?? false,
    targetErrors: app?.targetErrors ?? 'pass-through',
    services: (app?.services ?? []).map((s) => kymaServiceDraft(s)),
  };
}

/** A display-name edit: the name follows it while the user has not typed a name of their own. */
export function withDisplayName(service: KymaServiceDraft, displayName: string): KymaServiceDraft {
  return service.nameFollowsDisplayName ? { ...service, displayName, name: kymaServiceName(displayName) } : { ...service, displayName };
}

/** A name edit: clearing the name lets it follow the display name again. */
export function withName(service: KymaServiceDraft, name: string): KymaServiceDraft {
  return { ...service, name, nameFollowsDisplayName: name === '' };
}

function serviceFromDraft(draft: KymaServiceDraft): Record<string, unknown> {
  const entry: Record<string, unknown> = { type: 'API', targetUrl: draft.targetUrl.trim() };
  if (draft.credentialType !== 'none') {
    const credentials: Record<string, unknown> = { type: draft.credentialType, secretName: draft.secretName.trim() };
    const authenticationUrl = draft.authenticationUrl.trim();
    if ((draft.credentialType === 'OAuth' || draft.credentialType === 'OAuthWithCert') && authenticationUrl !== '') credentials.authenticationUrl = authenticationUrl;
    const csrf = draft.csrfUrl.trim();
    if (csrf !== '') credentials.csrfInfo = { tokenEndpointURL: csrf };
    entry.credentials = credentials;
  }
  const params = draft.paramsSecret.trim();
  if (params !== '') entry.requestParametersSecretName = params;
  const displayName = draft.displayName.trim();
  return {
    id: draft.id,
    name: draft.name.trim() || kymaServiceName(displayName),
    displayName,
    description: draft.description.trim(),
    providerDisplayName: draft.provider.trim(),
    entries: [entry],
  };
}

/** The namespace an application's secrets live in: the one typed in, else Kyma's default. */
export function kymaSecretNamespace(typed: string): string {
  return typed.trim() || KYMA_DEFAULT_NAMESPACE;
}

/** The application as the schema reads it (validated by the caller with the whole workspace). */
export function kymaApplicationFromDraft(draft: KymaApplicationDraft): Record<string, unknown> {
  return {
    name: draft.name.trim(),
    namespace: kymaSecretNamespace(draft.namespace),
    description: draft.description.trim(),
    skipVerify: draft.skipVerify,
    targetErrors: draft.targetErrors,
    services: draft.services.map(serviceFromDraft),
  };
}

/** The credential values a service's draft would write: the keys of its credential type that were typed in, as typed. */
export function enteredCredentialValues(draft: KymaServiceDraft): Record<string, string> {
  const entered: Record<string, string> = {};
  if (draft.credentialType === 'none') return entered;
  for (const key of KYMA_CREDENTIAL_KEYS[draft.credentialType]) {
    const value = draft.credentialValues[key] ?? '';
    if (value !== '') entered[key] = value;
  }
  return entered;
}
