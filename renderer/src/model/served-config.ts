// What the gateway serves compared with the saved workspace, in words: the status bar, the lists, the forms and
// the Try it and Traffic screens all read it from here, so they say the same thing.
import { gatewayDownReason, type GatewayStatus, type LeftOutItem } from '../../../main/ipc/contract';
import { counted } from '../../../gateway/config/counted';

export type ServedSummary =
  /** The saved workspace, every item of it. */
  | { kind: 'all' }
  /** The saved workspace, except `leftOut`. */
  | { kind: 'partial'; leftOut: LeftOutItem[]; headline: string; reason: string }
  /** An earlier workspace (or none): the saved one was refused as a whole. */
  | { kind: 'older'; headline: string; reason: string };

function itemLabel(item: LeftOutItem): string {
  switch (item.kind) {
    case 'service':
      return `service ${item.name}`;
    case 'application-service':
      return `Kyma service ${item.name}`;
    case 'route':
      return `route ${item.name}`;
    case 'consumer':
      return `consumer ${item.name}`;
  }
}

/**
 * "secret backend-creds has no password — enter it" when a secret is missing, what is wrong with its value when it
 * is there and unusable; else the gateway's message.
 */
export function leftOutReason(item: LeftOutItem): string {
  const secret = item.secret;
  if (secret?.invalid) return `${secret.invalid} — fix it`;
  if (secret) {
    const name = secret.namespace ? `${secret.namespace}/${secret.name}` : secret.name;
    return secret.key ? `secret ${name} has no ${secret.key} — enter it` : `secret ${name} is not in the vault — enter it`;
  }
  return withoutOwnName(item);
}

/**
 * The gateway's message less the item it names first (`service "plain": secret …`): every place that shows a
 * reason names the item already. A sandbox's problem keeps that word.
 */
function withoutOwnName(item: LeftOutItem): string {
  const own = `${item.kind === 'consumer' ? 'consumer' : item.kind === 'route' ? 'route' : 'service'} "${item.name}"`;
  if (item.message.startsWith(`${own}: `)) return item.message.slice(own.length + 2);
  if (item.message.startsWith(`${own} (sandbox): `)) return `its sandbox: ${item.message.slice(own.length + 12)}`;
  // `consumer "alex" cannot sign in with basic-auth: …`
  if (item.message.startsWith(`${own} cannot `)) return item.message.slice(own.length + 1);
  return item.message;
}

/** "service plain: secret plain-ca … — fix it". */
function labelledReason(item: LeftOutItem): string {
  return `${itemLabel(item)}: ${leftOutReason(item)}`;
}

export function servedSummary(gateway: GatewayStatus): ServedSummary {
  const served = gateway.served;
  if (served.config !== 'saved') {
    const reason = served.errors?.map((e) => e.message).join('; ') || 'the saved workspace was not applied';
    return { kind: 'older', headline: served.config === 'none' ? 'Running without the saved configuration' : 'Running an older configuration', reason };
  }
  // Routes left out with their service are explained by it.
  const leftOut = served.leftOut;
  if (leftOut.length === 0) return { kind: 'all' };
  const first = leftOut.find((i) => i.kind !== 'route') ?? leftOut[0]!;
  const headline = `Running with ${counted(leftOut.length, 'item')} left out`;
  return { kind: 'partial', leftOut, headline, reason: labelledReason(first) };
}

/** True when what the gateway serves is not exactly the saved workspace. */
export function servesLessThanSaved(gateway: GatewayStatus): boolean {
  return servedSummary(gateway).kind !== 'all';
}

/** The left-out entry for the item at `path` (`services[2]`), if the gateway left it out. */
export function leftOutAt(gateway: GatewayStatus, path: string): LeftOutItem | undefined {
  return gateway.served.leftOut.find((i) => i.path === path);
}

/** The left-out entries of a Kyma application's services (`applications[1].services[…]`). */
export function leftOutUnder(gateway: GatewayStatus, path: string): LeftOutItem[] {
  return gateway.served.leftOut.filter((i) => i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
}

/** What a save said about the gateway, for the form's notice ("Saved, not applied: …"). */
export function savedNotice(gateway: GatewayStatus, itemPaths: readonly string[]): string | undefined {
  const summary = servedSummary(gateway);
  if (summary.kind === 'older') return `Saved, not applied: the gateway still runs an older configuration (${summary.reason}).`;
  if (gateway.state !== 'running') return `Saved, not applied yet: ${gatewayDownReason(gateway)}.`;
  const isOwn = (i: LeftOutItem) => itemPaths.some((p) => i.path === p || i.path.startsWith(`${p}.`));
  const own = gateway.served.leftOut.filter(isOwn);
  if (own.length === 0) return undefined;
  // A route is left out only with its service: one not saved here belongs to another item named below.
  const others = gateway.served.leftOut.filter((i) => !isOwn(i) && i.kind !== 'route');
  const rest = others.length === 0 ? 'Everything else is served.' : `Also left out: ${others.map(labelledReason).join('; ')}.`;
  return `Saved, not served: ${own.map(labelledReason).join('; ')}. ${rest}`;
}
