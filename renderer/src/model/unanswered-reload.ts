// A reload the running gateway has not answered (stopped by a debugger, busy in a loop): the status bar says so
// instead of a green "Running", with how long ago the reload went out.
import type { GatewayStatus } from '../../../main/ipc/contract';

/** "reload sent 12 s ago" while the running gateway leaves a reload unanswered; else undefined. */
export function unansweredReloadReason(gateway: GatewayStatus, now: number): string | undefined {
  if (gateway.state !== 'running' || !gateway.unansweredReload) return undefined;
  return `reload sent ${Math.max(0, Math.floor((now - gateway.unansweredReload.sentAt) / 1000))} s ago`;
}
