// traffic:* — the inspector's buffer in main: rows, one exchange's details, clear, pause/resume, HAR export, and
// the connection notices (the gateway's lines about upstream connections rather than requests). The raw values
// behind masked fields stay here; only an export the user explicitly asks credentials in for writes them, to a
// file the user picks, never to the renderer.
import { UserFacingError } from '../ipc/dispatcher';
import { GatehouseError } from '../../gateway/errors/gatehouse-error';
import { CONNECTION_NOTICES_KEPT, ConnectionLogLine, type ConnectionNotice, type ConnectionNoticesUpdate, type ExchangeSummary, saysTheSame, type TrafficList, type TrafficUpdate } from '../ipc/contract';
import { batchPerTurn } from '../../gateway/log/turn-batch';
import { ExchangeBuffer } from '../services/traffic/exchange-buffer';
import { ConnectionNotices } from '../services/traffic/connection-notices';
import { exchangesToHar } from '../services/traffic/har-export';
import type { AppContext, DomainHandlers } from './app-context';
import { saveToChosenFile, type ChooseSaveFile } from './save-file';

export interface TrafficOptions {
  chooseSaveFile?: ChooseSaveFile;
  appVersion?: string;
  /** Called once per turn with the rows received in it (new, or a streaming exchange's progress) and the counts. */
  onExchanges: (update: TrafficUpdate) => void;
  /** Called once per turn with the connection notices received in it, oldest first. */
  onConnectionNotices?: (update: ConnectionNoticesUpdate) => void;
  /**
   * Main's log (its stderr in the app): hears of a connection line from the gateway that main's check refused, so
   * not shown, a bug between the two. It is told the names of the fields that failed, never their values.
   */
  reportInternalError?: (channel: string, error: unknown) => void;
}

/** A connection line from the gateway that failed main's check (ConnectionLogLine): `fields` names what failed. */
export class ConnectionLineRefused extends GatehouseError {
  readonly code = 'GATEHOUSE_CONNECTION_LINE_REFUSED';
  constructor(readonly fields: string[]) {
    super(`a connection line from the gateway failed main's check (${fields.join(', ')}); not shown`);
    this.name = 'ConnectionLineRefused';
  }
}

export function trafficHandlers(ctx: AppContext, options: TrafficOptions): DomainHandlers<'traffic'> {
  const { supervisor } = ctx;
  const exchanges = new ExchangeBuffer();
  // A row cleared (or let go) between its arrival and the push is left out: the window would list what main no
  // longer keeps, after Clear's answer had emptied its list.
  const pushRows = batchPerTurn<ExchangeSummary>((summaries) => {
    const kept = summaries.filter((row) => exchanges.get(row.id) !== undefined);
    if (kept.length > 0) options.onExchanges({ summaries: kept, ...exchanges.counts() });
  });
  supervisor.on('exchange', (exchange, credentials, generation) => pushRows(exchanges.put(exchange, credentials, generation)));

  // The gateway's line is checked before the window sees it: only the fields and values a connection line may hold.
  const notices = new ConnectionNotices<ConnectionLogLine>(CONNECTION_NOTICES_KEPT, saysTheSame);
  const pushNotices = batchPerTurn<ConnectionNotice>((added) => {
    const kept = added.filter((notice) => notices.has(notice.id));
    if (kept.length > 0) options.onConnectionNotices?.({ notices: kept });
  });
  supervisor.on('connection', (entry) => {
    const line = ConnectionLogLine.safeParse(entry);
    if (line.success) pushNotices(notices.add(line.data));
    else {
      const fields = [...new Set(line.error.issues.map((issue) => issue.path.join('.') || '(line)'))];
      options.reportInternalError?.(`gateway connection line (${fields.join(', ')})`, new ConnectionLineRefused(fields));
    }
  });

  const trafficList = (): TrafficList => ({ exchanges: exchanges.summaries(), ...exchanges.counts(), capturing: supervisor.capturing, notices: notices.list() });
  return {
    'traffic:list': async () => trafficList(),
    'traffic:get': async ({ id }) => {
      const exchange = exchanges.get(id);
      if (!exchange) throw new UserFacingError('GATEHOUSE_NO_SUCH_EXCHANGE', `exchange ${id} is no longer kept (cleared, or dropped from the buffer)`);
      return exchange;
    },
    'traffic:clear': async () => {
      exchanges.clear();
      notices.clear();
      return trafficList();
    },
    'traffic:capture': async ({ on }) => {
      supervisor.setCapture(on);
      return trafficList();
    },
    'traffic:export-har': async ({ ids, includeCredentials }) => {
      const selected = exchanges.select(ids);
      if (selected.length === 0) throw new UserFacingError('GATEHOUSE_NOTHING_TO_EXPORT', 'no captured request to export');
      const har = exchangesToHar(selected, {
        gatewayUrl: supervisor.status.url ?? `http://${ctx.workspace.gateway.host}:${ctx.workspace.gateway.port}`,
        creatorVersion: options.appVersion ?? '0.0.0',
        ...(includeCredentials ? { credentialsOf: (id: number) => exchanges.credentials(id) } : {}),
      });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      const saved = await saveToChosenFile(options.chooseSaveFile, { title: 'Export traffic as HAR', defaultName: `gatehouse-${stamp}.har`, filters: [{ name: 'HTTP Archive', extensions: ['har'] }] }, JSON.stringify(har, null, 2));
      return saved.saved ? { ...saved, entries: selected.length } : saved;
    },
  };
}
