// @vitest-environment jsdom
// A failure's hint travels from the handler that threw it to the screen: the real IPC dispatcher serializes
// the error, the envelope is structured-cloned as Electron's IPC does, the preload's rethrow (restated here:
// the preload itself imports Electron) hands it to the renderer, and the Cluster screen shows message and hint.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderApp } from './support/render-app';
import { createIpcDispatcher, type IpcHandlers } from '../../main/ipc/dispatcher';
import type { IpcEnvelope } from '../../main/ipc/contract';
import { UnreachableError } from '../../main/services/cluster/cluster-errors';
import { toFailure } from '../../renderer/src/api/ipc-error';
import { GatehouseError } from '../../gateway/errors/gatehouse-error';

afterEach(cleanup);

const unreachable = new UnreachableError('https://127.0.0.1:6443', 'connect ECONNREFUSED');

async function overIpc(error: unknown): Promise<unknown> {
  const internal: unknown[] = [];
  const dispatch = createIpcDispatcher({ 'cluster:disconnect': async () => { throw error; } } as unknown as IpcHandlers, (e) => internal.push(e));
  const envelope = structuredClone(await dispatch('cluster:disconnect', undefined)) as IpcEnvelope<never>;
  if (envelope.ok) throw new Error('expected a failure');
  // main/electron/preload.ts
  return Object.assign(new Error(envelope.error.message), envelope.error);
}

describe('a failure hint over IPC', () => {
  it('crosses the dispatcher as code, message and hint, and the renderer shows the hint after the message', async () => {
    const thrown = await overIpc(unreachable);
    expect(thrown).toMatchObject({ code: 'GATEHOUSE_CLUSTER_UNREACHABLE', message: unreachable.message, hint: unreachable.hint });
    const failure = toFailure(thrown);
    expect(failure.hint).toBe('Check the address, your network or VPN, and that the cluster is running.');
    expect(failure.message).toBe('Cannot reach the API server https://127.0.0.1:6443: connect ECONNREFUSED. Check the address, your network or VPN, and that the cluster is running.');
  });

  it('shows a hint once when the message already ends with it', () => {
    const failure = toFailure(Object.assign(new Error('OS keychain unavailable: it is locked. Unlock it.'), { code: 'GATEHOUSE_VAULT_LOCKED', hint: 'Unlock it.' }));
    expect(failure.message).toBe('OS keychain unavailable: it is locked. Unlock it.');
  });

  it('serializes every GatehouseError generically, and hides anything else', async () => {
    class SomeServiceError extends GatehouseError {
      readonly code = 'GATEHOUSE_SOME_SERVICE';
    }
    expect(await overIpc(new SomeServiceError('it broke', { hint: 'do this' }))).toMatchObject({ code: 'GATEHOUSE_SOME_SERVICE', message: 'it broke', hint: 'do this' });
    const plain = (await overIpc(Object.assign(new Error('secret detail'), { code: 'GATEHOUSE_LOOKS_OURS' }))) as Error & { hint?: string };
    expect(plain).toMatchObject({ code: 'GATEHOUSE_INTERNAL' });
    expect(plain.message).not.toContain('secret detail');
    expect(plain.hint).toBeUndefined();
  });

  it('reaches the Cluster screen, which shows what to do', async () => {
    const thrown = await overIpc(unreachable);
    await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = { files: ['/home/me/.kube/config'], currentContext: 'dev', contexts: [{ name: 'dev', cluster: 'dev', user: 'admin', namespace: 'kyma-integration', server: 'https://127.0.0.1:6443', auth: 'token' }] };
      const invoke = f.invoke.bind(f);
      f.invoke = (async (channel: string, request: unknown) => {
        if (channel === 'cluster:connect') throw thrown;
        return invoke(channel as never, request as never);
      }) as typeof f.invoke;
    }, 'cluster');
    await waitFor(() => expect((screen.getByLabelText('Context') as HTMLSelectElement).value).toBe('dev'));
    fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
    const alert = await screen.findByText(/Cannot reach the API server/);
    expect(alert.textContent).toContain('Check the address, your network or VPN, and that the cluster is running.');
  });
});
