// The desktop peer: HTTP Toolkit's engine, mockttp, passing requests that carry the client credential through to
// the upstream with the upstream credential put in their place. Traffic recording is off, so nothing accumulates.
import { getLocal } from 'mockttp';
import { receiveSetup, reportListening } from './peer-setup';

const setup = await receiveSetup();
const server = getLocal({ recordTraffic: false, suggestChanges: false });
await server.start(setup.port);
await server.forAnyRequest().withHeaders({ authorization: setup.inboundAuthorization }).thenPassThrough({
  transformRequest: {
    replaceHost: { targetHost: new URL(setup.upstream).host },
    updateHeaders: { authorization: setup.outboundAuthorization },
    matchReplacePath: [[/^\/v1/, '']],
  },
});
await server.forUnmatchedRequest().thenReply(401, '', { 'www-authenticate': 'Basic realm="bench"' });
reportListening(setup.port);
