import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { importDocuments } from '../../../../main/services/import/import-documents';
import { mergeImport } from '../../../../main/services/import/merge-import';
import { ImportError } from '../../../../main/services/import/import-result';
import { SecretDataNotBase64Error } from '../../../../main/services/import/kubernetes-secret';
import { DocumentSyntaxError } from '../../../../gateway/config/parse-document';
import { Workspace } from '../../../../gateway/config/schema';
import { seedSnippets } from '../../../support/seed-snippets';
import { startRecordingUpstream, type RecordingUpstream } from '../../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../../support/gateway';

const empty = Workspace.parse({});
const apk = seedSnippets('000');
const kyma = seedSnippets('002');
const serviceVars = { ServiceName: 'backend', ServiceNamespace: 'apk' };

function merged(text: string, options: Parameters<typeof importDocuments>[2] = {}) {
  const imported = importDocuments(text, 'pasted', options);
  const result = mergeImport(empty, imported);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return { imported, workspace: result.workspace, notes: result.notes };
}

describe('import: WSO2 APK seed snippets, verbatim', () => {
  it('finds the four endpoint snippets and the Secret in the seed', () => {
    expect(apk).toHaveLength(5);
  });

  it('imports the Secret with its base64 data decoded', () => {
    const { imported } = merged(apk[0]!);
    expect(imported.secrets).toEqual([{ name: 'backend-creds', namespace: 'apk', data: { username: 'admin', password: 'admin' }, origin: { source: 'pasted', fields: { username: 'data.username', password: 'data.password' } } }]);
  });

  it('imports endpointConfig with secretRefName', () => {
    const { workspace, imported } = merged(apk[1]!);
    expect(workspace.services[0]).toMatchObject({ name: 'httpbin.org', pathPrefix: '/httpbin.org', upstream: { url: 'https://httpbin.org' }, endpointSecurity: { type: 'basic', secret: 'backend-creds', usernameKey: 'username', passwordKey: 'password' } });
    expect(imported.secrets).toEqual([]);
  });

  it('imports serviceInfo with secretRefName, once its placeholders have values', () => {
    expect(() => importDocuments(apk[2]!, 'pasted')).toThrow(/needs a value for \{\{ServiceName\}\}, \{\{ServiceNamespace\}\}: give --var ServiceName=\.\.\. --var ServiceNamespace=\.\.\./);
    const { workspace } = merged(apk[2]!, { vars: serviceVars });
    expect(workspace.services[0]).toMatchObject({ name: 'backend', upstream: { serviceInfo: { name: 'backend', namespace: 'apk' } }, endpointSecurity: { secret: 'backend-creds' } });
  });

  it('moves inline passwords to secrets, never into the workspace', () => {
    for (const snippet of [apk[3]!, apk[4]!]) {
      const { workspace, imported, notes } = merged(snippet, { vars: serviceVars });
      const secretName = workspace.services[0]!.endpointSecurity!.secret;
      expect(imported.secrets).toEqual([{ name: secretName, data: { username: 'admin', password: 'admin' } }]);
      expect(JSON.stringify(workspace)).not.toContain('"admin"');
      expect(notes.join('\n')).toContain(`went to the vault as secret "${secretName}"`);
    }
  });

  it('reads production and sandbox endpoints, each with its own security', () => {
    const { workspace, imported } = merged(`"endpointConfig": {
      "endpoint_type": "http",
      "production_endpoints": { "url": "https://prod.example.com/api" },
      "sandbox_endpoints": { "url": "https://sandbox.example.com/api" },
      "endpoint_security": {
        "production": { "enabled": true, "type": "Basic", "secretRefName": "prod-creds" },
        "sandbox": { "enabled": true, "type": "Basic", "username": "sbx", "password": "sbx-pw" }
      }
    }`, { name: 'orders' });
    expect(workspace.services[0]).toMatchObject({ name: 'orders', endpointSecurity: { secret: 'prod-creds' }, sandbox: { upstream: { url: 'https://sandbox.example.com/api' }, endpointSecurity: { secret: 'orders-sandbox-credentials' } } });
    expect(imported.secrets).toEqual([{ name: 'orders-sandbox-credentials', data: { username: 'sbx', password: 'sbx-pw' } }]);
  });

  it('refuses inline credentials RFC 7617 §2 cannot carry, as the gateway would, naming the field and never the value', () => {
    const apk = (production: Record<string, string>, sandbox: Record<string, string>) => JSON.stringify({
      endpointConfig: { production_endpoints: { url: 'https://x.test' }, sandbox_endpoints: { url: 'https://y.test' }, endpoint_security: { production: { type: 'Basic', ...production }, sandbox: { type: 'Basic', ...sandbox } } },
    });
    const fine = { username: 'svc', password: 'svc-pw-1' };
    const refusal = (text: string) => {
      try {
        importDocuments(text, 'apk.json');
      } catch (error) {
        expect(error).toBeInstanceOf(ImportError);
        return (error as ImportError).message;
      }
      return undefined;
    };
    expect(refusal(apk(fine, { username: 'tenant:svc', password: 'sbx-pw-2' }))).toBe('apk.json: endpointConfig.endpoint_security.sandbox.username: contains ":", which ends a Basic user-id (RFC 7617); no Basic client can send it as written, so nothing was imported');
    expect(refusal(apk({ username: 'svc', password: 'line\nbreak-pw' }, fine))).toBe('apk.json: endpointConfig.endpoint_security.production.password: contains control characters (RFC 7617); no Basic client can send it as written, so nothing was imported');
    expect(refusal(apk({ username: '', password: '' }, fine))).toBe('apk.json: endpointConfig.endpoint_security.production: username and password are both empty: no credentials to send');
    // One of the two empty is sent, as the gateway sends it (an API key as the user-id).
    expect(refusal(apk({ username: 'api-key-3', password: '' }, fine))).toBeUndefined();
  });

  it('refuses an APISIX consumer password no client could sign in with, naming the field and never the value', () => {
    const consumer = (password: string) => JSON.stringify({ username: 'foo', plugins: { 'basic-auth': { username: 'foo', password } } });
    expect(() => importDocuments(consumer('bar\tbaz'), 'consumer.json')).toThrow(
      new ImportError('consumer.json', 'plugins.basic-auth.password', 'contains control characters (RFC 7617); no client can send it, so nothing was imported'),
    );
    expect(() => importDocuments(consumer('bar\u0085baz'), 'consumer.json')).toThrow('consumer.json: plugins.basic-auth.password: contains control characters (U+0080–U+009F); no client can send it, so nothing was imported');
    expect(() => importDocuments(consumer(''), 'consumer.json')).toThrow('consumer.json: plugins.basic-auth.password: expected the password');
    expect(importDocuments(consumer('b\u00e4r baz'), 'consumer.json').secrets).toEqual([{ name: 'consumer-foo', data: { password: 'b\u00e4r baz' } }]);
  });

  it('refuses endpoint security types APK does not define, naming the field', () => {
    expect(() => importDocuments('{"endpointConfig": {"production_endpoints": {"url": "https://x.test"}, "endpoint_security": {"production": {"type": "Digest"}}}}', 'pasted')).toThrow(
      'pasted: endpointConfig.endpoint_security.production.type: only "Basic" endpoint security exists',
    );
  });

  it('imports an APK Conf with Kubernetes-service endpoints, secret keys and operations', () => {
    const { workspace } = merged(`name: "EmployeeServiceAPI"
basePath: "/employees-info"
version: "3.14"
endpointConfigurations:
  production:
    endpoint:
      name: "employee-service"
      namespace: "apk"
      port: 8080
      protocol: "http"
    endpointSecurity:
      enabled: true
      securityType:
        secretName: "employee-creds"
        userNameKey: "user"
        passwordKey: "pass"
  sandbox:
    endpoint: "http://sandbox-employee.test:8080"
operations:
  - target: "/employee"
    verb: "GET"
  - target: "/employee/{employeeId}"
    verb: "PUT"
  - target: "/reports/*"
    verb: "GET"
`);
    expect(workspace.services[0]).toMatchObject({
      name: 'employeeserviceapi', pathPrefix: '/employees-info/3.14',
      upstream: { serviceInfo: { name: 'employee-service', namespace: 'apk', port: 8080, protocol: 'http' } },
      endpointSecurity: { type: 'basic', secret: 'employee-creds', usernameKey: 'user', passwordKey: 'pass' },
      sandbox: { upstream: { url: 'http://sandbox-employee.test:8080' } },
    });
    expect(workspace.routes.map((r) => [r.path, r.match, r.methods])).toEqual([
      ['/employee', 'exact', ['GET']],
      ['/employee/', 'prefix', ['PUT']],
      ['/reports', 'prefix', ['GET']],
    ]);
  });
});

describe('import: where an APK Conf is served', () => {
  const conf = (extra: string) => `name: "Orders"
basePath: "/orders/"
version: "v2"
${extra}endpointConfigurations:
  production:
    endpoint: "http://orders.test"
operations:
  - target: "/items"
    verb: "GET"
`;

  it('at basePath then version, as APK serves it, and with defaultVersion at basePath too, said in a note', () => {
    const plain = importDocuments(conf(''), 'apk.yaml');
    expect(plain.services.map((s) => [s.name, s.pathPrefix])).toEqual([['orders', '/orders/v2']]);
    expect(plain.notes).toEqual([]);
    const both = importDocuments(conf('defaultVersion: true\n'), 'apk.yaml');
    expect(both.services.map((s) => [s.name, s.pathPrefix])).toEqual([['orders', '/orders/v2'], ['orders-default', '/orders']]);
    expect(both.routes.map((r) => [r.name, r.service, r.path])).toEqual([['orders-get--items', 'orders', '/items'], ['orders-get--items-default', 'orders-default', '/items']]);
    expect(both.notes).toEqual(['defaultVersion: served at /orders as well as with its version, as APK serves it (services orders-default)']);
  });
});

describe('import: Kyma seed snippets', () => {
  const vars = {
    MY_SECRET_NAME: 'erp-creds', MY_API_URL: 'https://erp.example.com/api', MY_OAUTH_TOKEN_URL: 'https://idp.example.com/token',
    MY_CSRF_TOKEN_URL: 'https://erp.example.com/csrf', MY_REQ_PARAMS_SECRET_NAME: 'erp-params', MY_UNIQUE_ID: '5f1f8f4e-0b4e-4f0e-9a53-8d3b3f1b1c11',
    MY_USER_NAME: Buffer.from('erp-user').toString('base64'), MY_PASSWORD: Buffer.from('erp-pw').toString('base64'),
    MY_CLIENT_ID: Buffer.from('client').toString('base64'), MY_CLIENT_SECRET: Buffer.from('secret').toString('base64'),
    MY_CERTIFICATE: Buffer.from('CERT').toString('base64'), MY_PRIVATE_KEY: Buffer.from('KEY').toString('base64'),
    MY_HEADER: 'X-Tenant', MY_VALUE: 'acme', MY_REQUEST_PARAM: 'client',
  };
  const servicesBlocks = kyma.filter((s) => /^\s*services:/.test(s));

  it('imports each services section as an application with the right credentials', () => {
    expect(servicesBlocks).toHaveLength(5);
    const types = servicesBlocks.map((block, i) => {
      const { workspace } = merged(block, { vars, name: `app-${i}` });
      const app = workspace.applications[0]!;
      expect(app).toMatchObject({ name: `app-${i}`, namespace: 'kyma-integration', skipVerify: false });
      return app.services[0]!.entries[0]!;
    });
    expect(types.map((e) => e.credentials?.type)).toEqual(['Basic', 'OAuth', 'CertificateGen', 'Basic', 'Basic']);
    expect(types[1]!.credentials?.authenticationUrl).toBe('https://idp.example.com/token');
    expect(types[3]!.credentials?.csrfInfo).toEqual({ tokenEndpointURL: 'https://erp.example.com/csrf' });
    expect(types[4]!.requestParametersSecretName).toBe('erp-params');
  });

  it('imports a Kyma Application with its Secrets from one multi-document YAML', () => {
    const { workspace, imported } = merged(`apiVersion: applicationconnector.kyma-project.io/v1alpha1
kind: Application
metadata:
  name: commerce
spec:
  skipVerify: true
  services:
  - id: 721da9cc-616e-4558-b4dc-4b58554ce7ee
    name: my-basic-auth-service
    displayName: My Basic Auth Service
    description: My service
    providerDisplayName: My organisation
    entries:
    - type: API
      targetUrl: https://erp.example.com/api
      gatewayUrl: http://commerce-my-basic-auth-service.kyma-integration.svc.cluster.local
      credentials:
        type: Basic
        secretName: erp-creds
---
apiVersion: v1
kind: Secret
metadata:
  name: erp-creds
  namespace: kyma-integration
stringData:
  username: erp-user
  password: erp-pw
`);
    expect(workspace.applications[0]).toMatchObject({ name: 'commerce', skipVerify: true, services: [{ id: '721da9cc-616e-4558-b4dc-4b58554ce7ee', displayName: 'My Basic Auth Service' }] });
    expect(imported.secrets).toEqual([{ name: 'erp-creds', namespace: 'kyma-integration', data: { username: 'erp-user', password: 'erp-pw' }, origin: { source: 'pasted (document 2)', fields: { username: 'stringData.username', password: 'stringData.password' } } }]);
    expect(JSON.stringify(workspace)).not.toContain('erp-pw');
  });

  describe('spec.encodeUrl (Kyma default true: the path decoded and encoded anew)', () => {
    const application = (encodeUrl: string) => `kind: Application
metadata:
  name: commerce
spec:
${encodeUrl}  services:
  - { id: s1, name: orders, displayName: Orders, entries: [{ type: API, targetUrl: 'http://127.0.0.1:1/api' }] }
`;

    it('says, when true or absent, that it is not honoured', () => {
      expect(importDocuments(application(''), 'pasted').notes).toEqual([
        "spec.encodeUrl (absent, so Kyma's default true) is not honoured: the gateway forwards the caller's path with the caller's own percent-encoding (as Kyma does with encodeUrl: false), not decoded and encoded anew (a %2F stays %2F)",
      ]);
      expect(importDocuments(application('  encodeUrl: true\n'), 'pasted').notes).toEqual([
        "spec.encodeUrl: true is not honoured: the gateway forwards the caller's path with the caller's own percent-encoding (as Kyma does with encodeUrl: false), not decoded and encoded anew (a %2F stays %2F)",
      ]);
    });

    it('says, when false, that it is honoured but not kept for a push', () => {
      expect(importDocuments(application('  encodeUrl: false\n'), 'pasted').notes).toEqual([
        "spec.encodeUrl: false is honoured (the gateway forwards the caller's path with the caller's own percent-encoding), but the workspace does not keep it: a cluster push leaves Kyma's default, true",
      ]);
    });

    it('refuses a value that is not a boolean, naming the field', () => {
      expect(() => importDocuments(application('  encodeUrl: "no"\n'), 'pasted')).toThrow('pasted: spec.encodeUrl: expected true or false');
    });

    it('is right about the path: the imported service forwards %2F and other escapes as the caller sent them (an escaped unreserved character as the character)', async () => {
      const backend = await startRecordingUpstream();
      try {
        const { workspace } = merged(application('').replace('http://127.0.0.1:1/api', `${backend.url}/api`));
        const served = await startTestGateway(workspace);
        try {
          const res = await request(`${served.url}/commerce/orders/a%2Fb/caf%c3%a9/%7E`);
          await res.body.dump();
          expect(res.statusCode).toBe(200);
          expect(backend.requests[0]!.url).toBe('/api/a%2Fb/caf%c3%a9/~');
        } finally {
          await served.close();
        }
      } finally {
        await backend.close();
      }
    });
  });
});

describe('import: APISIX admin bodies', () => {
  it('imports the walkthrough consumer (password to the vault) and route', () => {
    const { workspace, imported } = merged(`{"username": "alex", "plugins": {"basic-auth": {"username": "alex", "password": "123456"}}}
---
{"uri": "/json", "name": "json", "methods": ["GET"], "plugins": {"basic-auth": {"hide_credentials": true}}, "upstream": {"type": "roundrobin", "nodes": {"httpbin.org:80": 1}}}`);
    expect(workspace.consumers).toEqual([{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }]);
    expect(imported.secrets).toEqual([{ name: 'consumer-alex', data: { password: '123456' } }]);
    expect(workspace.routes[0]).toMatchObject({ name: 'json', path: '/json', match: 'exact', methods: ['GET'], plugins: { 'basic-auth': { hideCredentials: true } } });
    expect(workspace.services[0]).toMatchObject({ upstream: { url: 'http://httpbin.org:80' } });
  });

  it("keeps a consumer's labels.custom_id as customId (APISIX's X-Consumer-Custom-ID), and names one that is not text", () => {
    const { workspace } = merged(`{"username": "alex", "labels": {"custom_id": "crm-1207", "team": "a"}, "plugins": {"basic-auth": {"username": "alex", "password": "123456"}}}
---
{"username": "guest", "labels": {"custom_id": "public"}}`);
    expect(workspace.consumers).toEqual([
      { username: 'alex', customId: 'crm-1207', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } },
      { username: 'guest', customId: 'public' },
    ]);
    expect(() => importDocuments('{"username": "alex", "labels": {"custom_id": 7}}', 'consumer.json')).toThrow('consumer.json: labels.custom_id: expected text');
  });
});

describe('import errors', () => {
  it('keeps a route\'s hosts, and names every field, plugin and node it does not import', () => {
    const { workspace, notes } = merged(`{"uri": "/admin/*", "name": "admin", "hosts": ["admin.example.com"], "status": 0, "vars": [["arg_x", "==", "1"]],
      "upstream": {"type": "roundrobin", "nodes": {"127.0.0.1:1": 1, "127.0.0.1:2": 1}},
      "plugins": {"basic-auth": {}, "ip-restriction": {"whitelist": ["10.0.0.0/8"]}}}
---
{"username": "jack", "plugins": {"basic-auth": {"username": "jack", "password": "jack-pw"}, "limit-count": {"count": 2}}}`);
    expect(workspace.routes[0]).toMatchObject({ name: 'admin', path: '/admin', match: 'prefix', hosts: ['admin.example.com'] });
    expect(workspace.services[0]!.upstream).toEqual({ url: 'http://127.0.0.1:1' });
    expect(notes).toEqual(expect.arrayContaining([
      'vars: not imported (route "admin" has no such setting in Gatehouse)',
      'plugins.ip-restriction: not imported (Gatehouse has no ip-restriction plugin)',
      'status: 0 (disabled in APISIX): imported as a route Gatehouse serves',
      'upstream.nodes: only the first of 2 nodes (127.0.0.1:1) is imported: a Gatehouse service calls one upstream, with no load balancing',
      'plugins.limit-count: not imported (Gatehouse has no limit-count plugin)',
    ]));
    expect(notes.join('\n')).not.toContain('jack-pw');
  });

  it('reports syntax errors with the line', () => {
    expect(() => importDocuments('{"endpointConfig": {\n  "production_endpoints": {"url": \n}', 'bad.json')).toThrow(DocumentSyntaxError);
  });

  it('never quotes a Secret\'s value in a syntax error, and refuses a tag on one, naming the line', () => {
    const secret = (value: string) => `kind: Secret\nmetadata:\n  name: kyma-creds\nstringData:\n  username: admin\n  password: ${value}\n`;
    // yaml says "The !Ky2-KymaPassw0rd! tag has no suffix"; `!<x>` it reads as an empty password, with a warning.
    for (const value of ['!Ky2-KymaPassw0rd!', '!<Ky2-KymaPassw0rd>', '!<x>']) {
      const error = (() => {
        try {
          importDocuments(secret(value), 'kyma.yaml');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect((error as DocumentSyntaxError).line).toBe(6);
      expect((error as Error).message).not.toContain('Ky2');
    }
  });

  describe('a Secret the imported config sends as Basic credentials, checked with the gateway\'s rule', () => {
    const application = 'kind: Application\nmetadata: { name: commerce }\nspec:\n  services:\n  - { id: s1, name: orders, displayName: Orders, entries: [{ type: API, targetUrl: "http://127.0.0.1:9/api", credentials: { type: Basic, secretName: kyma-creds } }] }\n';
    const secret = (data: string) => `kind: Secret\nmetadata: { name: kyma-creds, namespace: kyma-integration }\n${data}\n`;
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as Error;
      }
      throw new Error('not refused');
    };

    it('refuses a username with ":" or a password with a control character, naming the Secret\'s field', () => {
      const colon = refusal(() => merged(`${application}---\n${secret('stringData: { username: "ad:min", password: Ky2-KymaPassw0rd }')}`, { namespace: 'kyma-integration' }));
      expect(colon).toBeInstanceOf(ImportError);
      expect(colon.message).toMatch(/^pasted \(document 2\): stringData\.username: secret "kyma-integration\/kyma-creds" key "username" contains ":"/);
      // data is base64: "Ky2-Kyma\tPassw0rd".
      const tab = refusal(() => merged(`${application}---\n${secret(`data: { username: YWRtaW4=, password: ${Buffer.from('Ky2-Kyma\tPassw0rd').toString('base64')} }`)}`, { namespace: 'kyma-integration' }));
      expect(tab.message).toMatch(/^pasted \(document 2\): data\.password: secret "kyma-integration\/kyma-creds" key "password" contains control characters/);
      for (const error of [colon, tab]) expect(error.message).not.toContain('Ky2');
    });

    it('refuses it too when the workspace imported into is what sends it', () => {
      const withApplication = mergeImport(empty, importDocuments(application, 'app.yaml', { namespace: 'kyma-integration' }));
      if (!withApplication.ok) throw new Error('the application did not import');
      const error = refusal(() => mergeImport(withApplication.workspace, importDocuments(secret('stringData: { username: "ad:min", password: pw }'), 'secret.yaml')));
      expect(error.message).toMatch(/^secret\.yaml: stringData\.username: /);
    });

    it('takes a Secret nothing sends as Basic credentials, or one whose keys Basic can carry', () => {
      expect(merged(secret('stringData: { username: "ad:min", password: pw }')).imported.secrets).toHaveLength(1);
      expect(merged(`${application}---\n${secret('stringData: { username: admin, password: "p:w" }')}`, { namespace: 'kyma-integration' }).imported.secrets).toHaveLength(1);
    });
  });

  it('names an unknown document shape', () => {
    expect(() => importDocuments('{"hello": 1}', 'x.json')).toThrow(ImportError);
    expect(() => importDocuments('{"hello": 1}', 'x.json')).toThrow(/not a format Gatehouse imports/);
  });

  it('names a Secret data value that is not base64, or is a plain word that only looks like base64', () => {
    const secret = (value: string) => `kind: Secret\nmetadata:\n  name: erp\ndata:\n  user: dXNlcg==\n  password: ${value}\n`;
    expect(() => importDocuments(secret('erp-pw'), 'pasted')).toThrow(SecretDataNotBase64Error);
    expect(() => importDocuments(secret('erp-pw'), 'pasted')).toThrow('pasted: data.password: expected base64');
    // Valid base64 alphabet and length, but it decodes to bytes that are not text.
    expect(() => importDocuments(secret('password'), 'pasted')).toThrow('pasted: data.password: expected base64 of text');
    // Unpadded: the Kubernetes API refuses it.
    expect(() => importDocuments(secret('cGFzcw'), 'pasted')).toThrow(SecretDataNotBase64Error);
    expect(importDocuments(secret('cGFzcw=='), 'pasted').secrets[0]!.data).toEqual({ user: 'user', password: 'pass' });
  });

  it('keeps Secret data values as written when told they are plain text, and says so', () => {
    const imported = importDocuments('kind: Secret\nmetadata:\n  name: erp\ndata:\n  password: password\nstringData:\n  user: erp-user\n', 'pasted', { plainSecretData: true });
    expect(imported.secrets).toEqual([{ name: 'erp', data: { password: 'password', user: 'erp-user' }, origin: { source: 'pasted', fields: { password: 'data.password', user: 'stringData.user' } } }]);
    expect(imported.notes).toEqual(['Secret "erp": data.password taken as plain text, as written (not base64-decoded)']);
  });

  it('reports schema errors of the merged workspace by field path', () => {
    const imported = importDocuments('"endpointConfig": {"production_endpoints": {"url": "ftp://x.test"}}', 'pasted');
    const result = mergeImport(empty, imported);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.path).toBe('services[0].upstream.url');
  });
});

describe('imported APK endpoint served end to end', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('sends the inline credentials, moved to the vault, to the backend', async () => {
    upstream = await startRecordingUpstream();
    const snippet = apk[3]!.replace('https://httpbin.org', upstream.url);
    const { workspace, imported } = merged(snippet, { name: 'httpbin' });
    const secrets = Object.fromEntries(imported.secrets.map((s) => [s.name, s.data]));
    gateway = await startTestGateway(workspace, secrets);
    const res = await request(`${gateway.url}/httpbin/anything?x=1`);
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(upstream.requests[0]).toMatchObject({ url: '/anything?x=1', headers: expect.objectContaining({ authorization: basic('admin', 'admin') }) });
  });
});
