// WSO2 APK's backend-security cases (wso2/apk test/cucumber-tests), imported as written and served through the
// gateway to a real recording backend: what the backend must receive and what the client gets. The cases the seed
// snippets already cover (import.test.ts) are not repeated. Only the backends are changed: APK's test backend is
// the in-cluster Service `backend.apk-integration-test` (an httpbin echoing /anything), which cannot run here, so
// each endpoint, URL or Kubernetes Service, is this test's recording server with the same path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { importDocuments } from '../../../../main/services/import/import-documents';
import { mergeImport } from '../../../../main/services/import/merge-import';
import { ImportError } from '../../../../main/services/import/import-result';
import { Workspace } from '../../../../gateway/config/schema';
import { startRecordingUpstream, type RecordingUpstream } from '../../../support/recording-upstream';
import { startTestGateway } from '../../../support/gateway';

// test/cucumber-tests/CRs/artifacts.yaml: the two Secrets the BasicAuth feature names.
const APK_SECRETS = `apiVersion: v1
kind: Secret
metadata:
  name: backend-creds
  namespace: apk-integration-test
data:
  username: YWRtaW4=
  password: YWRtaW4=
type: Opaque
---
apiVersion: v1
kind: Secret
metadata:
  name: backend-creds-1
  namespace: apk-integration-test
data:
  username: ZHNmZHNmc2Rmc2Rm
  password: YWRtaW4=
type: Opaque
`;

// artifacts/apk-confs/basic_auth_conf.yaml; BACKEND_URL and BACKEND_SERVICE stand for its two kinds of endpoint.
const BASIC_AUTH_CONF = `---
name: "BasicAuthAPILevel"
basePath: "/basic-auth"
version: "3.14"
id: "basic-auth-api-test"
type: "REST"
defaultVersion: true
endpointConfigurations:
  production:
    - endpoint: "BACKEND_URL/anything"
      endpointSecurity:
        enabled: true
        securityType:
          secretName: "backend-creds"
          userNameKey: "username"
          passwordKey: "password"
operations:
  - target: "/employee/"
    verb: "GET"
    secured: true
    scopes: []
  - target: "/get"
    verb: "GET"
    secured: true
    scopes: []
    endpointConfigurations:
      production:
        - endpoint: "BACKEND_URL/anything"
          endpointSecurity:
            enabled: true
            securityType:
              secretName: "backend-creds-1"
              userNameKey: "username"
              passwordKey: "password"
  - target: "/post"
    verb: "POST"
    secured: true
    scopes: [ ]
    endpointConfigurations:
      production:
        - endpoint: "BACKEND_SERVICE"
          endpointSecurity:
            enabled: true
            securityType:
              secretName: "backend-creds"
              userNameKey: "username"
              passwordKey: "password"
  - target: "/employee/"
    verb: "POST"
    secured: true
    scopes: []
    endpointConfigurations:
      production:
        - endpoint: "BACKEND_SERVICE"
  - target: "/employee/{employeeId}"
    verb: "PUT"
    secured: true
    scopes: []
  - target: "/employee/{employeeId}"
    verb: "DELETE"
    secured: true
    scopes: []
`;

// artifacts/payloads/api_with_basic_auth.json (agent-cptodp/BackendSecurity.feature): a whole API body, type
// "BASIC" in capitals, a disabled sandbox of type "NONE" with a null password.
const API_WITH_BASIC_AUTH = `{
  "name": "SwaggerPetstore", "context": "/petstore", "version": "1.0.0", "provider": "admin", "type": "HTTP",
  "transport": ["http", "https"], "tags": [], "policies": ["Unlimited"],
  "authorizationHeader": "Authorization", "apiKeyHeader": "ApiKey",
  "securityScheme": ["oauth_basic_auth_api_key_mandatory", "oauth2"],
  "endpointConfig": {
    "endpoint_type": "http",
    "sandbox_endpoints": { "url": "BACKEND_URL/anything" },
    "production_endpoints": { "url": "BACKEND_URL/anything" },
    "endpoint_security": {
      "production": { "enabled": true, "type": "BASIC", "username": "admin", "password": "admin", "grantType": "", "tokenUrl": "", "clientId": null, "clientSecret": null, "customParameters": {} },
      "sandbox": { "enabled": false, "type": "NONE", "username": "", "password": null, "grantType": "", "tokenUrl": "", "clientId": null, "clientSecret": null, "customParameters": {} }
    }
  },
  "gatewayVendor": "wso2", "gatewayType": "wso2/apk"
}`;

// artifacts/apk-confs/backend_apikey_auth_conf.yaml (BackendAPIKeyAuth.feature), its first lines.
const BACKEND_APIKEY_AUTH_CONF = `---
name: "BackendAPIKeySecurity"
basePath: "/backend-api-key-security"
version: "3.14"
endpointConfigurations:
  production:
    - endpoint: "BACKEND_URL/anything"
      endpointSecurity:
        enabled: true
        securityType:
          secretName: "mysecret"
          in: "Header"
          apiKeyNameKey: "api-key"
          apiKeyValueKey: "apiKey"
operations:
  - target: "/employee/"
    verb: "GET"
`;

interface ServedCase {
  source: string;
  document: string;
  name?: string;
  method: 'GET' | 'POST';
  path: string;
  /** What APK's feature asserts the backend echoed, and the path the backend must be asked for. */
  authorization: string | undefined;
  upstreamPath: string;
}

const served: ServedCase[] = [
  { source: 'BasicAuth.feature: API-level endpoint security (secret backend-creds)', document: BASIC_AUTH_CONF, method: 'GET', path: '/basic-auth/3.14/employee/', authorization: 'Basic YWRtaW46YWRtaW4=', upstreamPath: '/anything/employee/' },
  { source: 'basic_auth_conf.yaml: defaultVersion: true serves the API without its version as well', document: BASIC_AUTH_CONF, method: 'GET', path: '/basic-auth/employee/', authorization: 'Basic YWRtaW46YWRtaW4=', upstreamPath: '/anything/employee/' },
  { source: "BasicAuth.feature: an operation's own endpoint and security (secret backend-creds-1)", document: BASIC_AUTH_CONF, method: 'GET', path: '/basic-auth/3.14/get', authorization: 'Basic ZHNmZHNmc2Rmc2RmOmFkbWlu', upstreamPath: '/anything/get' },
  { source: "BasicAuth.feature: an operation's own Kubernetes Service endpoint (secret backend-creds)", document: BASIC_AUTH_CONF, method: 'POST', path: '/basic-auth/3.14/post', authorization: 'Basic YWRtaW46YWRtaW4=', upstreamPath: '/anything/post' },
  { source: "basic_auth_conf.yaml: an operation's own endpoint without endpointSecurity sends no credentials", document: BASIC_AUTH_CONF, method: 'POST', path: '/basic-auth/3.14/employee/', authorization: undefined, upstreamPath: '/anything/employee/' },
  { source: 'BackendSecurity.feature (agent-cptodp): api_with_basic_auth.json, type "BASIC", sandbox "NONE" disabled', document: API_WITH_BASIC_AUTH, name: 'petstore', method: 'GET', path: '/petstore/pet/5', authorization: 'Basic YWRtaW46YWRtaW4=', upstreamPath: '/anything/pet/5' },
];

describe("WSO2 APK's backend-security features, served through the gateway", () => {
  let backend: RecordingUpstream;
  beforeAll(async () => {
    backend = await startRecordingUpstream();
  });
  afterAll(async () => {
    await backend?.close();
  });

  const withBackend = (text: string) =>
    text
      .replaceAll('BACKEND_URL', backend.url)
      // The Kubernetes Service endpoint becomes a URL with the path APK's backend echoes under.
      .replaceAll('"BACKEND_SERVICE"', `"${backend.url}/anything"`);

  it.each(served)('$source: $method $path', async (row) => {
    const imported = importDocuments(`${withBackend(row.document)}\n---\n${APK_SECRETS}`, 'apk.yaml', row.name ? { name: row.name } : {});
    const merged = mergeImport(Workspace.parse({}), imported);
    if (!merged.ok) throw new Error(JSON.stringify(merged.errors));
    const secrets = Object.fromEntries(imported.secrets.map((s) => [s.name, s.data]));
    const gateway = await startTestGateway(merged.workspace, secrets);
    try {
      const before = backend.requests.length;
      const res = await request(`${gateway.url}${row.path}`, { method: row.method });
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      const received = backend.requests[before]!;
      expect(received).toMatchObject({ method: row.method, url: row.upstreamPath });
      expect(received.headers.authorization).toBe(row.authorization);
    } finally {
      await gateway.close();
    }
  });

  it('BasicAuth.feature: the Kubernetes Service endpoint of an operation is imported as one, with its secret', () => {
    const conf = BASIC_AUTH_CONF.replaceAll('BACKEND_URL', 'http://backend.apk-integration-test.svc.cluster.local:80')
      .replaceAll('"BACKEND_SERVICE"', '\n            name: "backend"\n            namespace: "apk-integration-test"\n            port: 80\n            protocol: "http"');
    const { services, routes } = importDocuments(conf, 'apk.yaml');
    const post = routes.find((r) => r.path === '/post')!;
    expect(services.find((s) => s.name === post.service)).toMatchObject({
      pathPrefix: '/basic-auth/3.14',
      upstream: { serviceInfo: { name: 'backend', namespace: 'apk-integration-test', port: 80, protocol: 'http' } },
      endpointSecurity: { type: 'basic', secret: 'backend-creds', usernameKey: 'username', passwordKey: 'password' },
    });
  });

  it('BackendAPIKeyAuth.feature: API-key endpoint security is refused, naming the field, never read as Basic', () => {
    const refusal = () => importDocuments(BACKEND_APIKEY_AUTH_CONF.replaceAll('BACKEND_URL', 'http://backend.test'), 'apk.yaml');
    expect(refusal).toThrow(ImportError);
    expect(refusal).toThrow("apk.yaml: endpointConfigurations.production.endpointSecurity.securityType.in: APK's API-key endpoint security is not supported");
  });
});
