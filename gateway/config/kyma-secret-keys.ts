// The keys Kyma's Application Gateway reads from each credential type's Secret. The gateway reads the same
// keys from the vault, the Kyma form tells the user to enter them, and a cluster push writes them.
import type { KYMA_CREDENTIAL_TYPES } from './kyma-application-schema';

type KymaCredentialType = (typeof KYMA_CREDENTIAL_TYPES)[number];

/** Per credential type: its keys, in the order the endpoint security names them (user/id/crt first). */
export const KYMA_CREDENTIAL_KEYS = {
  Basic: ['username', 'password'],
  OAuth: ['clientId', 'clientSecret'],
  // Kyma's OAuthWithCert token request sends the id and presents the certificate; a clientSecret is not read.
  OAuthWithCert: ['clientId', 'crt', 'key'],
  CertificateGen: ['crt', 'key'],
} as const satisfies Record<KymaCredentialType, readonly string[]>;

/** A request-parameters Secret: JSON documents of headers and of query parameters. */
export const KYMA_REQUEST_PARAMETER_KEYS = ['headers', 'queryParameters'] as const;
