import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../gateway/config/schema';
import { secretReferences } from '../../../gateway/config/secret-references';

describe('secretReferences', () => {
  it('lists every secret a workspace names, once, with namespaces', () => {
    const ws = Workspace.parse({
      services: [
        { name: 'a', pathPrefix: '/a', upstream: { url: 'https://a.test' }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: 'https://idp.test/token', secret: 'oauth' }, requestParametersSecret: { secret: 'params' }, tls: { caSecret: { secret: 'ca', namespace: 'infra' } } },
        { name: 'b', pathPrefix: '/b', upstream: { url: 'https://b.test' }, endpointSecurity: { type: 'client-certificate', secret: 'cert' } },
        { name: 'c', pathPrefix: '/c', upstream: { url: 'http://c.test' }, endpointSecurity: { type: 'basic', secret: 'oauth' } },
      ],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
    });
    expect(secretReferences(ws)).toEqual([{ name: 'alex-pw' }, { name: 'oauth' }, { name: 'params' }, { namespace: 'infra', name: 'ca' }, { name: 'cert' }]);
  });
});
