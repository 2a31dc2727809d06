// traffic:* — the inspector's buffer in main: rows, one exchange's details, clear, pause/resume, HAR export.
// The raw values behind masked fields stay here; only an export the user explicitly asks credentials in for
// writes them, to a file the user picks, never to the renderer.
import { UserFacingError } from '../ipc/dispatcher';
import type { ExchangeSummary, TrafficList, TrafficUpdate } from '../ipc/contract';
import { batchPerTurn } from '../../gateway/log/turn-batch';
import { ExchangeBuffer } from '../services/traffic/exchange-buffer';
import { exchangesToHar } from '../services/traffic/har-export';
import type { AppContext, DomainHandlers } from './app-context';
import { saveToChosenFile, type ChooseSaveFile } from './save-file';

export interface TrafficOptions {
  chooseSaveFile?: ChooseSaveFile;
  appVersion?: string;
  /** Called once per turn with the rows received in it (new, or a streaming exchange's progress) and the counts. */
  onExchanges: (update: TrafficUpdate) => void;
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
  const trafficList = (): TrafficList => ({ exchanges: exchanges.summaries(), ...exchanges.counts(), capturing: supervisor.capturing });
  return {
    'traffic:list': async () => trafficList(),
    'traffic:get': async ({ id }) => {
      const exchange = exchanges.get(id);
      if (!exchange) throw new UserFacingError('GATEHOUSE_NO_SUCH_EXCHANGE', `exchange ${id} is no longer kept (cleared, or dropped from the buffer)`);
      return exchange;
    },
    'traffic:clear': async () => {
      exchanges.clear();
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
