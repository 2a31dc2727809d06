// Kong's X-Consumer-ID and X-Consumer-Custom-ID (APISIX sends the latter too) for the consumers that set `id` or
// `customId`. Encoded once per config generation, so a request adds them with one map lookup and no encoding;
// consumers without either are not in the map and get neither header.
import type { Consumer } from '../config/schema';
import { utf8HeaderValue } from '../proxy/forward-headers';

/** Header values ready to send (UTF-8 bytes, as X-Consumer-Username). */
export interface ConsumerIdentityHeaders {
  id?: string;
  customId?: string;
}

/** By consumer username. */
export type ConsumerIdentities = ReadonlyMap<string, ConsumerIdentityHeaders>;

export function consumerIdentities(consumers: readonly Consumer[]): ConsumerIdentities {
  const identities = new Map<string, ConsumerIdentityHeaders>();
  for (const consumer of consumers) {
    if (consumer.id === undefined && consumer.customId === undefined) continue;
    identities.set(consumer.username, {
      ...(consumer.id !== undefined ? { id: utf8HeaderValue(consumer.id) } : {}),
      ...(consumer.customId !== undefined ? { customId: utf8HeaderValue(consumer.customId) } : {}),
    });
  }
  return identities;
}
