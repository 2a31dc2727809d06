// ?watch=true: newline-delimited JSON watch events until the timeout or the client leaves.
import type { ServerResponse } from 'node:http';
import type { ObjectStore, JsonObject, StoreEvent } from './storage';
import type { ResourceType } from './resource-types';
import { parseFieldSelector, parseLabelSelector } from './label-selector';

export function serveWatch(res: ServerResponse, store: ObjectStore, type: ResourceType, namespace: string | undefined, query: URLSearchParams, closers: Set<() => void>): void {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const matches = (o: JsonObject) => {
    const m = (o.metadata ?? {}) as JsonObject;
    if (type.namespaced && namespace !== undefined && m.namespace !== namespace) return false;
    return labels((m.labels as Record<string, string>) ?? {}) && fields(String(m.name), m.namespace as string | undefined);
  };
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  const send = (eventType: string, object: JsonObject) => res.write(`${JSON.stringify({ type: eventType, object })}\n`);
  const since = query.get('resourceVersion');
  if (since === null || since === '' || since === '0') {
    for (const o of store.list(type, type.namespaced ? namespace : undefined)) if (matches(o)) send('ADDED', o);
  }
  const unsubscribe = store.subscribe((event: StoreEvent) => {
    if (event.resource.group === type.group && event.resource.plural === type.plural && matches(event.object)) send(event.type, event.object);
  });
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '30');
  const finish = () => {
    clearTimeout(timer);
    unsubscribe();
    closers.delete(finish);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(finish, Math.min(Math.max(timeoutSeconds, 1), 300) * 1000);
  closers.add(finish);
  res.on('close', finish);
}
