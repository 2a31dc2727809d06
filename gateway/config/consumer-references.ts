// Where a workspace names a consumer: as the anonymous consumer of a service's or a route's basic-auth. The schema
// checks each names a consumer that exists; the app names them before a consumer is deleted, so neither can miss
// a place the other knows.
import type { Plugins } from './schema';

export interface ConsumerReference {
  /** The consumer's username, as written. */
  consumer: string;
  /** Field path of the reference, as in the workspace file. */
  path: (string | number)[];
  /** Who names it: `service api`, `route orders-get`. */
  owner: string;
}

interface Named {
  name: string;
  plugins: Plugins;
}

export function anonymousConsumerReferences(workspace: { services: readonly Named[]; routes: readonly Named[] }): ConsumerReference[] {
  const out: ConsumerReference[] = [];
  for (const [section, kind] of [['services', 'service'], ['routes', 'route']] as const) {
    workspace[section].forEach((item, i) => {
      const consumer = item.plugins['basic-auth']?.anonymousConsumer;
      if (consumer !== undefined) out.push({ consumer, path: [section, i, 'plugins', 'basic-auth', 'anonymousConsumer'], owner: `${kind} ${item.name}` });
    });
  }
  return out;
}
