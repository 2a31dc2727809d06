import type { WorkspaceInput } from '../config/schema';
import type { SecretData } from '../secrets/secret-source';

export const DEMO_CONSUMER = { username: 'alex', password: '123456' } as const;

/** The APISIX basic-auth walkthrough: service basic-auth-app under /v1, route json (exact /json, GET), consumer alex. */
export function demoWorkspace(upstreamUrl: string, port: number): WorkspaceInput {
  return {
    gateway: { port },
    services: [
      { name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstreamUrl } },
      // Everything else the demo upstream offers, without authentication: /open/headers, /open/status/418, ...
      { name: 'demo-open', pathPrefix: '/open', upstream: { url: upstreamUrl } },
    ],
    routes: [
      {
        name: 'json',
        service: 'basic-auth-app',
        path: '/json',
        match: 'exact',
        methods: ['GET'],
        plugins: { 'basic-auth': { hideCredentials: true } },
      },
    ],
    consumers: [{ username: DEMO_CONSUMER.username, basicAuth: { password: { secret: 'alex-basic-auth', key: 'password' } } }],
  };
}

/** The demo's only secret: a published walkthrough password, held in memory only. */
export const DEMO_SECRETS: Record<string, SecretData> = { 'alex-basic-auth': { password: DEMO_CONSUMER.password } };
