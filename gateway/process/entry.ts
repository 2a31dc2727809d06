// Entry of the supervised gateway process (utilityProcess in the app, child_process.fork under Node).
import { startGateway, PortInUseError, SECRETS_FIELD, type Gateway } from '../server/gateway-server';
import { MemorySecretSource, SecretResolver } from '../secrets/secret-source';
import { secretSourceFromDocument } from '../secrets/secrets-file';
import { connectToParent, type ParentChannel } from './parent-channel';
import type { ExchangeUpdate, SecretBundle, SupervisorMessage } from './protocol';
import { validateWorkspace, type FieldError } from '../config/validate';
import { compileConfig } from '../server/compile-config';
import { UpstreamPools } from '../proxy/upstream-pools';
import { TrafficCapture } from '../capture/traffic-capture';
import { batchPerTurn } from '../log/turn-batch';
import { QuietMemoryWatch } from './quiet-memory';
import { keepInspectorClosed } from './inspector-signal';
import type { RequestLogEntry } from '../log/request-log';
import type { ConnectionLogEntry } from '../log/connection-log';

/** Where the app's gateway looks for secrets, as a missing one's message names it: what the app read from its vault and cluster. */
const APP_SECRETS = "the app's vault";

/**
 * The workspace to listen with: the one given when it compiles, else only its listen settings, so a
 * missing secret or a bad edit leaves the app with a running gateway and the errors to show.
 */
async function startableWorkspace(input: unknown, secrets: SecretResolver): Promise<{ workspace: unknown; rejected?: FieldError[] }> {
  const validated = validateWorkspace(input);
  if (!validated.ok) {
    const gatewaySettings = (input as { gateway?: unknown } | null)?.gateway;
    return { workspace: validateWorkspace({ gateway: gatewaySettings }).ok ? { gateway: gatewaySettings } : {}, rejected: validated.errors };
  }
  const pools = new UpstreamPools();
  try {
    await compileConfig(validated.value, secrets, pools, undefined, undefined, { leaveOutBrokenItems: true });
    return { workspace: validated.value };
  } catch (error) {
    return { workspace: { gateway: validated.value.gateway }, rejected: [{ path: SECRETS_FIELD, message: error instanceof Error ? error.message : String(error) }] };
  } finally {
    await pools.closeAll();
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'GATEHOUSE_GATEWAY_FAILED';
}

export function runSupervisedGateway(parent: ParentChannel): void {
  keepInspectorClosed((line) => process.stderr.write(`${line}\n`));
  let gateway: Gateway | undefined;
  // Bodies and headers go to the app over this channel only: never to stdout, never to a file.
  // Batched per turn like the log entries below: a message per exchange cost a pipe write each under load.
  const reportExchange = batchPerTurn<ExchangeUpdate>((updates) => parent.send({ type: 'exchanges', updates }));
  const capture = new TrafficCapture((exchange, credentials) => reportExchange({ exchange, credentials }));
  const quiet = new QuietMemoryWatch(() => gateway?.inFlight ?? 0);
  // Replaced on every start/reload so secrets removed from the workspace leave this process's memory.
  let secrets = new MemorySecretSource(APP_SECRETS);
  const resolver = new SecretResolver([{ label: APP_SECRETS, read: (ref) => secrets.read(ref) }]);
  const setSecrets = (bundle: SecretBundle) => {
    secrets = secretSourceFromDocument(bundle, APP_SECRETS);
  };

  async function onMessage(message: SupervisorMessage): Promise<void> {
    if (message.type === 'capture') {
      capture.enabled = message.on;
    } else if (message.type === 'start') {
      setSecrets(message.secrets);
      capture.enabled = message.capture ?? false;
      try {
        const { workspace, rejected } = await startableWorkspace(message.workspace, resolver);
        gateway = await startGateway({
          workspace,
          secrets: resolver,
          port: message.port,
          host: message.host,
          cluster: message.cluster,
          log: reportTraffic,
          connectionLog: reportConnections,
          onRequestStart: () => {
            quiet.requestStarted();
            reportInFlight();
          },
          capture,
          // The app's gateway serves every item that compiles and says which it left out.
          leaveOutBrokenItems: true,
        });
        parent.send({ type: 'ready', url: gateway.url, port: gateway.port, leftOut: gateway.leftOut });
        if (rejected) parent.send({ type: 'config-rejected', errors: rejected });
      } catch (error) {
        const message = error instanceof PortInUseError || error instanceof Error ? error.message : String(error);
        parent.send({ type: 'fatal', code: errorCode(error), message });
        process.exitCode = 3;
        setTimeout(() => process.exit(3), 50);
      }
    } else if (message.type === 'reload') {
      if (!gateway) return parent.send({ type: 'reloaded', id: message.id, ok: false, errors: [{ path: '(gateway)', message: 'not started' }] });
      const previous = secrets;
      setSecrets(message.secrets);
      const result = await gateway.reload(message.workspace, message.cluster);
      if (!result.ok) secrets = previous;
      parent.send(result.ok ? { type: 'reloaded', id: message.id, ok: true, leftOut: result.leftOut } : { type: 'reloaded', id: message.id, ok: false, errors: result.errors });
    } else if (message.type === 'stop') {
      // Within the supervisor's 3 s before it kills: requests in flight get most of that to finish.
      await gateway?.close(2500);
      process.exit(0);
    }
  }

  // One message per turn for the requests that ended in it: one message per request cost the gateway about 6 us
  // and the app's main process 17 us a request under load (measured forked under Node, wrk, 32 connections).
  const reportTraffic = batchPerTurn<RequestLogEntry>((entries) => parent.send({ type: 'traffic', entries, inFlight: gateway?.inFlight ?? 0 }));

  // The lines the CLI writes beside the request lines (an upstream's bytes after its answer): to main, which shows
  // them in the Traffic screen. Rare, but batched the same way, so a misbehaving upstream under load is one message a turn.
  const reportConnections = batchPerTurn<ConnectionLogEntry>((entries) => parent.send({ type: 'connections', entries }));

  let inFlightQueued = false;
  const reportInFlight = () => {
    if (inFlightQueued) return;
    inFlightQueued = true;
    setImmediate(() => {
      inFlightQueued = false;
      parent.send({ type: 'in-flight', inFlight: gateway?.inFlight ?? 0 });
    });
  };

  parent.onMessage((message) => void onMessage(message));
  parent.onParentGone(() => process.exit(0));
}

const parent = connectToParent();
if (parent) runSupervisedGateway(parent);
else {
  process.stderr.write('gatehouse gateway entry: start it from the app, or use `npm run gateway` for the headless CLI\n');
  process.exit(2);
}
