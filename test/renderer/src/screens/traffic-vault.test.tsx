// @vitest-environment jsdom
// Traffic details (row click / Enter), the vault banner (session-only, unavailable → choose session-only),
// the status bar and keyboard navigation of the sidebar.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { CapturedExchange } from '../../../../main/ipc/contract';
import { renderApp, sidebar } from '../../support/render-app';
import { textBody } from '../../support/fake-gatehouse';
import { formatClock } from '../../../../renderer/src/model/time-format';
import { Workspace } from '../../../../gateway/config/schema';

afterEach(cleanup);

const STARTED = Date.parse('2026-01-02T03:04:05.678Z');
const exchange = (id: number, over: Partial<CapturedExchange> = {}, status = 401): CapturedExchange => ({
  id, startedAt: STARTED + id * 1000, state: 'complete', client: '127.0.0.1',
  request: { method: 'GET', target: '/v1/json', httpVersion: 'HTTP/1.1', headers: [{ name: 'host', value: '127.0.0.1:9080' }, { name: 'authorization', value: 'Basic alex:••••••••', masked: true, source: 'client' }], body: textBody('') },
  response: { status, headers: [{ name: 'content-type', value: 'application/json' }], body: textBody('{"message":"x"}', 'application/json') },
  route: 'json', service: 'basic-auth-app', consumer: null, timing: { totalMs: 1.25 }, ...over,
});

describe('traffic', () => {
  it('shows pushed exchanges newest first, one time format in list and details, and opens details on click or Enter', async () => {
    const fake = await renderApp({}, undefined, 'traffic');
    expect(screen.getByText(/No requests yet/)).toBeTruthy();
    act(() => {
      fake.pushExchange(exchange(1, { clientPort: 50123 }));
      fake.pushExchange(exchange(2, { consumer: 'alex', timing: { upstreamMs: 3.5, totalMs: 4.75 }, upstream: { url: 'http://backend/json', environment: 'production', credentials: [{ kind: 'basic', username: 'svc' }], attempts: [{ status: 200, outcome: 'answered', msToHeaders: 3.5, headers: [{ name: 'authorization', value: 'Basic svc:••••••••', masked: true, source: 'endpoint' }] }] } }, 200));
    });
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([`${formatClock(STARTED + 2000)}GET/v1/jsonbasic-auth-appalex2004.8 ms`, `${formatClock(STARTED + 1000)}GET/v1/jsonbasic-auth-app—4011.3 ms`]);

    rows[1]!.focus();
    fireEvent.keyDown(rows[1]!, { key: 'Enter' });
    const details = await screen.findByRole('complementary');
    const text = (label: string) => within(details).getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;
    expect(text('Consumer')).toBe('— (none)');
    expect(text('Time')).toContain(formatClock(STARTED + 1000));
    expect(text('Client')).toBe('127.0.0.1:50123');
    expect(details.textContent).toContain('The gateway answered itself (401)');
    expect(rows[1]!.getAttribute('aria-current')).toBe('true');

    fireEvent.keyDown(rows[1]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(rows[0]);
    fireEvent.click(rows[0]!);
    await waitFor(() => expect(within(screen.getByRole('complementary')).getByText('Consumer', { selector: 'dt' }).nextElementSibling?.textContent).toBe('alex'));
    expect(screen.getByRole('complementary').textContent).toContain('Basic svc:••••••••');
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('complementary')).toBeNull();
  });

  it('filters (closing details of a row the filter hides) and clears after asking', async () => {
    const fake = await renderApp({}, undefined, 'traffic');
    act(() => {
      fake.pushExchange(exchange(1));
      fake.pushExchange(exchange(2, { request: { ...exchange(2).request, target: '/v1/other' }, route: 'other' }, 404));
    });
    fireEvent.click(screen.getAllByRole('row')[2]!);
    await screen.findByRole('complementary');
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: '404' } });
    expect(screen.getAllByRole('row')).toHaveLength(2);
    expect(screen.queryByRole('complementary')).toBeNull();
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '2xx' } });
    expect(screen.getByText('No request matches the filters.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reset filters' }));
    fireEvent.click(screen.getByRole('button', { name: 'Clear…' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('removes all 2 captured requests');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Clear' }));
    expect(await screen.findByText(/No requests yet/)).toBeTruthy();
  });
});

describe('vault banner and status bar', () => {
  it('says nothing while secrets are in the OS keychain', async () => {
    await renderApp();
    expect(screen.queryByRole('region', { name: 'Secret storage' })).toBeNull();
    expect(screen.getByText('Secrets: OS keychain')).toBeTruthy();
  });

  it('warns when secrets are kept for this session only', async () => {
    await renderApp({}, (f) => {
      f.vault = { mode: 'session-only', reason: 'chosen by the user' };
    });
    const banner = screen.getByRole('region', { name: 'Secret storage' });
    expect(banner.textContent).toContain('Secrets are kept for this session only.');
    expect(within(banner).queryByRole('button')).toBeNull();
  });

  it('offers session-only secrets when the keychain is unavailable, through vault:use-session-only', async () => {
    const fake = await renderApp({}, (f) => {
      f.vault = { mode: 'unavailable', reason: 'no Secret Service provider is running; install and unlock gnome-keyring' };
    });
    const banner = screen.getByRole('region', { name: 'Secret storage' });
    expect(banner.textContent).toContain('The OS keychain is unavailable');
    expect(banner.textContent).toContain('install and unlock gnome-keyring');
    fireEvent.click(within(banner).getByRole('button', { name: 'Keep secrets for this session only' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Secret storage' }).textContent).toContain('Secrets are kept for this session only.'));
    expect(fake.callsOf('vault:use-session-only')).toEqual([undefined]);
    expect(screen.getByText('Secrets: this session only')).toBeTruthy();
  });

  it('follows the gateway status events', async () => {
    const fake = await renderApp();
    act(() => fake.emit('gateway-status', { state: 'restarting', restarts: 1, inFlight: 0, lastError: 'exited with code 1', served: { config: 'saved', leftOut: [] } }));
    expect(screen.getByText('Gateway: Restarting…')).toBeTruthy();
    expect(screen.getByText('Last error: exited with code 1')).toBeTruthy();
    act(() => fake.emit('gateway-status', { state: 'running', restarts: 1, inFlight: 2, url: 'http://127.0.0.1:9080', served: { config: 'saved', leftOut: [] } }));
    expect(screen.getByText('in flight: 2')).toBeTruthy();
  });

  it('restarts the gateway from the status bar', async () => {
    const fake = await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Restart gateway' }));
    await waitFor(() => expect(fake.callsOf('gateway:restart')).toHaveLength(1));
  });
});

describe('workspace banner', () => {
  it('says the workspace file could not be read and restores the last good version on request', async () => {
    const fake = await renderApp({}, (f) => {
      f.problem = 'workspace.json line 3, column 5: unexpected token';
      f.backupAvailable = true;
    }, 'consumers');
    const banner = screen.getByRole('region', { name: 'Workspace file' });
    expect(banner.textContent).toContain('The workspace file could not be read');
    expect(banner.textContent).toContain('line 3, column 5');
    fireEvent.click(within(banner).getByRole('button', { name: 'Restore the last good version' }));
    await screen.findByText('The previous workspace was restored from its backup.');
    expect(fake.callsOf('workspace:restore-backup')).toEqual([undefined]);
    await screen.findByRole('button', { name: /^from-backup/ });
    expect(screen.queryByRole('region', { name: 'Workspace file' })).toBeNull();
  });
});

describe('workspace file changed by another program', () => {
  it('shows the workspace main took up, says when the file broke and the app kept its version, and clears it once mended', async () => {
    const fake = await renderApp({}, undefined, 'consumers');
    act(() => fake.emit('workspace', { workspace: Workspace.parse({ consumers: [{ username: 'from-editor' }] }), revision: 'rev-editor' }));
    await screen.findByRole('button', { name: /^from-editor/ });

    act(() => fake.emit('workspace-file', { problem: '/fake/workspace.json:1:12: unexpected end of the document', running: 'last-read', backupAvailable: false }));
    const banner = screen.getByRole('region', { name: 'Workspace file' });
    expect(banner.textContent).toContain('Another program changed the workspace file, and it cannot be read; Gatehouse keeps showing, and the gateway keeps serving, the version it read before.');
    expect(banner.textContent).toContain('/fake/workspace.json:1:12');
    expect(banner.textContent).not.toContain('empty workspace');
    expect(within(banner).queryByRole('button', { name: 'Restore the last good version' })).toBeNull();
    expect(screen.getByRole('button', { name: /^from-editor/ })).toBeTruthy();

    // A file Gatehouse may not read at all: no promise that saving replaces it, and no restore that would fail.
    act(() => fake.emit('workspace-file', { problem: 'Could not read /fake/workspace.json: permission denied (EACCES)', running: 'last-read', replaceable: false, backupAvailable: true }));
    const locked = screen.getByRole('region', { name: 'Workspace file' });
    expect(locked.textContent).toContain('Saving cannot replace a file Gatehouse may not read: give it back its permissions, or move it away.');
    expect(locked.textContent).not.toContain('Saving replaces the file');
    expect(within(locked).queryByRole('button', { name: 'Restore the last good version' })).toBeNull();

    act(() => fake.emit('workspace-file', { backupAvailable: true }));
    expect(screen.queryByRole('region', { name: 'Workspace file' })).toBeNull();
  });
});

describe('sidebar', () => {
  it('marks the current screen and moves with the arrow keys, Home and End', async () => {
    await renderApp();
    const buttons = sidebar().getAllByRole('button');
    expect(buttons.map((b) => b.firstChild?.textContent)).toEqual(['Services & routes', 'Consumers', 'Secrets', 'Try it', 'Traffic', 'Import', 'Cluster']);
    expect(buttons[0]!.getAttribute('aria-current')).toBe('page');
    buttons[0]!.focus();
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(buttons[1]);
    fireEvent.keyDown(buttons[1]!, { key: 'ArrowUp' });
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(buttons[6]);
    fireEvent.keyDown(buttons[6]!, { key: 'Home' });
    expect(document.activeElement).toBe(buttons[0]);
    fireEvent.keyDown(buttons[0]!, { key: 'End' });
    fireEvent.click(document.activeElement!);
    await screen.findByRole('heading', { level: 1, name: 'Cluster' });
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Cluster' }));
    expect(sidebar().getByRole('button', { name: /^Cluster/ }).getAttribute('aria-current')).toBe('page');
  });
});
