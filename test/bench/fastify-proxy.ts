// The usual Node answer: Fastify with @fastify/basic-auth in front of @fastify/http-proxy (undici underneath),
// the upstream credential set in rewriteRequestHeaders. Fastify's logger stays off, as it ships.
import Fastify from 'fastify';
import fastifyBasicAuth from '@fastify/basic-auth';
import fastifyHttpProxy from '@fastify/http-proxy';
import { timingSafeEqual, createHash } from 'node:crypto';
import { receiveSetup, reportListening } from './peer-setup';

const setup = await receiveSetup();
const [user, password] = Buffer.from(setup.inboundAuthorization.replace(/^Basic /, ''), 'base64').toString().split(':') as [string, string];
const digest = (text: string) => createHash('sha256').update(text).digest();
const want = digest(`${user}:${password}`);

const app = Fastify({ logger: false });
await app.register(fastifyBasicAuth, {
  validate: async (presentedUser, presentedPassword) => {
    if (!timingSafeEqual(digest(`${presentedUser}:${presentedPassword}`), want)) throw new Error('Unauthorized');
  },
  authenticate: { realm: 'bench' },
});
// As @fastify/basic-auth's README wires it: every route behind the check.
app.addHook('onRequest', app.basicAuth);
await app.register(fastifyHttpProxy, {
  upstream: setup.upstream,
  prefix: '/v1',
  replyOptions: {
    rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization: setup.outboundAuthorization }),
  },
});
await app.listen({ port: setup.port, host: '127.0.0.1' });
reportListening(setup.port);
