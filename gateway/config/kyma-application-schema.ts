// Kyma `Application` services as Kyma's Application Gateway serves them (applicationconnector.kyma-project.io/v1alpha1).
// Field names follow the CRD so an Application imports and exports without translation.
import './zod-jitless';
import * as z from 'zod';
import { HttpUrl } from './http-url';
import { kymaServiceSegment } from './kyma-services';
import { labelNameSchema } from './kubernetes-names';

const SecretName = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a Kubernetes Secret name');

export const KYMA_CREDENTIAL_TYPES = ['Basic', 'OAuth', 'OAuthWithCert', 'CertificateGen'] as const;

export const KymaCredentials = z
  .object({
    type: z.enum(KYMA_CREDENTIAL_TYPES),
    secretName: SecretName,
    /** OAuth token URL; required for types OAuth and OAuthWithCert (https://: the client certificate is presented there). */
    authenticationUrl: HttpUrl.optional(),
    csrfInfo: z.object({ tokenEndpointURL: HttpUrl }).strict().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.type === 'OAuth' || c.type === 'OAuthWithCert') && !c.authenticationUrl) ctx.addIssue({ code: 'custom', path: ['authenticationUrl'], message: `required for type ${c.type}` });
    if (c.type === 'OAuthWithCert' && c.authenticationUrl && URL.canParse(c.authenticationUrl) && new URL(c.authenticationUrl).protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', path: ['authenticationUrl'], message: 'needs https:// for type OAuthWithCert: the client certificate is only presented in a TLS handshake' });
    }
  });

export const KymaEntry = z
  .object({
    type: z.literal('API').default('API'),
    targetUrl: HttpUrl,
    credentials: KymaCredentials.optional(),
    requestParametersSecretName: SecretName.optional(),
  })
  .strict();

export const KymaService = z
  .object({
    /** Stable identifier (a UUID in Kyma); kept across edits so pushes update rather than replace. */
    id: z.string().min(1).max(128),
    name: labelNameSchema('a service name'),
    displayName: z.string().min(1).max(256),
    description: z.string().max(4096).default(''),
    providerDisplayName: z.string().max(256).default(''),
    entries: z.array(KymaEntry).min(1).max(1, 'Gatehouse serves one API entry per service'),
  })
  .strict();
export type KymaService = z.infer<typeof KymaService>;

export const KymaApplication = z
  .object({
    name: labelNameSchema('an Application name'),
    /** Namespace of the Secrets its entries name (Kyma's default: kyma-integration). */
    namespace: labelNameSchema('a namespace name').default('kyma-integration'),
    description: z.string().max(4096).default(''),
    skipVerify: z.boolean().default(false),
    /** `kyma`: a target's 5xx becomes 502 with `Target-System-Status`, as Kyma's gateway answers; default passes it through. */
    targetErrors: z.enum(['pass-through', 'kyma']).default('pass-through'),
    services: z.array(KymaService).default([]),
  })
  .strict()
  .superRefine((app, ctx) => {
    const seen = { id: new Set<string>(), name: new Set<string>(), displayName: new Set<string>() };
    const servedAt = new Map<string, string>();
    app.services.forEach((s, i) => {
      for (const field of ['id', 'name', 'displayName'] as const) {
        if (seen[field].has(s[field])) ctx.addIssue({ code: 'custom', path: ['services', i, field], message: `duplicate ${field} "${s[field]}"` });
        seen[field].add(s[field]);
      }
      // Kyma finds a service by this segment and takes the first match, so a second one would never be reached.
      const segment = kymaServiceSegment(s.displayName);
      const first = servedAt.get(segment);
      if (segment === '') ctx.addIssue({ code: 'custom', path: ['services', i, 'displayName'], message: 'needs a letter or digit (A-Z, a-z, 0-9): the service is served at the path segment made of them' });
      else if (first !== undefined && first !== s.displayName) ctx.addIssue({ code: 'custom', path: ['services', i, 'displayName'], message: `served at the same path segment "${segment}" as display name "${first}"` });
      if (first === undefined) servedAt.set(segment, s.displayName);
    });
  });
export type KymaApplication = z.infer<typeof KymaApplication>;
export type KymaApplicationInput = z.input<typeof KymaApplication>;
