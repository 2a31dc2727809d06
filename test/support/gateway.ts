import { startGateway, type Gateway } from '../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver, type SecretData } from '../../gateway/secrets/secret-source';
import type { RequestLogEntry } from '../../gateway/log/request-log';
import type { ConnectionLogEntry } from '../../gateway/log/connection-log';
import type { WorkspaceInput } from '../../gateway/config/schema';

export interface TestGateway extends Gateway {
  logs: RequestLogEntry[];
  /** Lines about upstream connections (an upstream's bytes after its answer). */
  connectionLogs: ConnectionLogEntry[];
  /** The first connection line: one logged already, else the next to come (the test's timeout catches none). */
  firstConnectionLog(): Promise<ConnectionLogEntry>;
  secrets: MemorySecretSource;
}

/**
 * A real gateway on a free loopback port, secrets in memory, log lines captured. `leaveOutBrokenItems` serves it as
 * the app does: a service that cannot be served answers 503 instead of the workspace being refused.
 */
export async function startTestGateway(workspace: WorkspaceInput, secrets: Record<string, SecretData> = {}, options: { leaveOutBrokenItems?: boolean } = {}): Promise<TestGateway> {
  const logs: RequestLogEntry[] = [];
  const connectionLogs: ConnectionLogEntry[] = [];
  const waiting: ((entry: ConnectionLogEntry) => void)[] = [];
  const connectionLog = (entry: ConnectionLogEntry) => {
    connectionLogs.push(entry);
    for (const resolve of waiting.splice(0)) resolve(entry);
  };
  const firstConnectionLog = () => (connectionLogs[0] ? Promise.resolve(connectionLogs[0]) : new Promise<ConnectionLogEntry>((resolve) => waiting.push(resolve)));
  const source = new MemorySecretSource('test', secrets);
  const gateway = await startGateway({ workspace, secrets: new SecretResolver([source]), log: (e) => logs.push(e), connectionLog, port: 0, ...options });
  return Object.assign(gateway, { logs, connectionLogs, firstConnectionLog, secrets: source });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
