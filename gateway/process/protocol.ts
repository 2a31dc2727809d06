// Messages between the supervisor (main process) and the gateway process. Secrets travel only in
// `start`/`reload`, over the IPC channel: never argv, env or files.
import type { RequestLogEntry } from '../log/request-log';
import type { ConnectionLogEntry } from '../log/connection-log';
import type { FieldError } from '../config/validate';
import type { SecretData } from '../secrets/secret-source';
import type { ClusterAccess } from '../cluster/cluster-access';
import type { CapturedExchange, ExchangeCredentials } from '../capture/exchange';
import type { LeftOutItem } from '../config/left-out-item';

/**
 * One exchange for the inspector, new or again while its response streams: the masked view, and the masked values
 * for main only.
 */
export interface ExchangeUpdate {
  exchange: CapturedExchange;
  credentials: ExchangeCredentials;
}

/** Secret values keyed `name` or `namespace/name`. */
export type SecretBundle = Record<string, SecretData>;

export type SupervisorMessage =
  | { type: 'start'; workspace: unknown; secrets: SecretBundle; port?: number; host?: string; cluster?: ClusterAccess; capture?: boolean }
  /** Traffic capture for the app's inspector: on while the app listens and has not paused it. */
  | { type: 'capture'; on: boolean }
  | { type: 'reload'; id: number; workspace: unknown; secrets: SecretBundle; cluster?: ClusterAccess | null }
  | { type: 'stop' };

export type GatewayMessage =
  /** `leftOut`: items of the workspace it started with that it does not serve. */
  | { type: 'ready'; url: string; port: number; leftOut?: LeftOutItem[] }
  /**
   * The log entries of the requests that ended since the last message, in the order they ended: at most one
   * message per event-loop turn, so a load of thousands of requests a second is not as many messages.
   */
  | { type: 'traffic'; entries: RequestLogEntry[]; inFlight: number }
  /**
   * Lines about upstream connections rather than requests (log/connection-log.ts: an upstream's bytes after a
   * complete response), in the order they were logged, at most one message per event-loop turn. Sent whether or not
   * capture is on, as the request lines are: they name an origin and what happened, never a byte the upstream sent.
   */
  | { type: 'connections'; entries: ConnectionLogEntry[] }
  /** Exchanges for the inspector, in the order they were recorded, at most one message per event-loop turn. */
  | { type: 'exchanges'; updates: ExchangeUpdate[] }
  /** Requests started since the last message: at most one per event-loop turn, so a burst costs one message. */
  | { type: 'in-flight'; inFlight: number }
  | { type: 'reloaded'; id: number; ok: boolean; errors?: FieldError[]; leftOut?: LeftOutItem[] }
  /** The workspace could not be applied at start; the gateway listens with no routes until a good one arrives. */
  | { type: 'config-rejected'; errors: FieldError[] }
  | { type: 'fatal'; code: string; message: string };
