// A Kyma Application whose one service sends the Secret kyma-creds to its backend as Basic credentials, with that
// Secret: the import, the CLI's import and the app's preview are each checked against it with a username Basic can
// or cannot carry (RFC 7617: no ":" in a user-id).
export const KYMA_BASIC_PASSWORD = 'Ky2-KymaPassw0rd';

/** The Application and its Secret, one YAML stream, with `username` in the Secret. */
export function kymaBasicDocuments(username: string): string {
  return [
    'apiVersion: applicationconnector.kyma-project.io/v1alpha1',
    'kind: Application',
    'metadata: { name: commerce }',
    'spec:',
    '  services:',
    '  - { id: s1, name: orders, displayName: Orders, entries: [{ type: API, targetUrl: "http://127.0.0.1:9/api", credentials: { type: Basic, secretName: kyma-creds } }] }',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: { name: kyma-creds, namespace: kyma-integration }',
    `stringData: { username: "${username}", password: ${KYMA_BASIC_PASSWORD} }`,
    '',
  ].join('\n');
}
