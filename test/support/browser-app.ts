// The renderer in a real browser (Debian's Chromium through playwright-core) against the REAL main side:
// the built renderer is served from 127.0.0.1 with the app's CSP header, and `window.gatehouse` is bridged
// to `createAppServices(...).dispatch` (the same dispatcher Electron's IPC handler calls), with the same
// sender check Electron does (only our page, in its main frame). Events main pushes (`traffic`,
// `gateway-status`) reach the page as DOM events the bridge's `on()` listens to.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createAppServices, type AppServices, type AppServicesOptions } from '../../main/app/app-services';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/content-security-policy';
import { forkGatewayProcess } from '../../main/services/gateway-supervisor/gateway-process';
import type { KeytarLoader } from '../../main/services/vault';
import type { ChooseSaveFile } from '../../main/app/save-file';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Builds the renderer with its own Vite config into a fresh temporary folder (under a second: each test
 * file gets its own build, so parallel workers never empty a folder under each other). The caller removes it.
 */
export async function buildRenderer(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'gatehouse-renderer-'));
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--config', join(ROOT, 'renderer', 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    await rm(outDir, { recursive: true, force: true });
    throw new Error(`vite build of the renderer failed (${code}):\n${stderr}`);
  }
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticServer {
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 with the CSP header the app's protocol handler sends. */
export async function startStaticServer(dir: string): Promise<StaticServer> {
  const root = normalize(dir + sep);
  const server = createServer((req, res) => {
    const headers = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, headers).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(404, headers).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * `window.gatehouse` as the preload defines it (see main/electron/preload.ts), over the exposed binding.
 * Also reports CSP violations the page sees. Runs before any page script, in the page's main world.
 */
const BRIDGE_SCRIPT = `(() => {
  const EVENT = 'gatehouse:event';
  const api = {
    async invoke(channel, request) {
      const envelope = await window.__gatehouseInvoke(channel, request);
      if (envelope.ok) return envelope.value;
      throw Object.assign(new Error(envelope.error.message), envelope.error);
    },
    on(event, listener) {
      const wrapped = (e) => { if (e.detail && e.detail.event === event) listener(e.detail.payload); };
      window.addEventListener(EVENT, wrapped);
      return () => window.removeEventListener(EVENT, wrapped);
    },
  };
  Object.defineProperty(window, 'gatehouse', { value: Object.freeze(api), writable: false, configurable: false });
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__gatehouseReport({ directive: e.violatedDirective, blockedURI: e.blockedURI, sample: e.sample, source: e.sourceFile + ':' + e.lineNumber });
  });
})();`;

export interface BrowserAppOptions {
  /** Keychain service name; a unique one per run keeps tests off real entries. */
  keychainService?: string;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Replaces keytar (a loader that throws makes the vault fall back to session-only, as the app does). */
  loadKeytar?: KeytarLoader;
  /** Kubeconfig files for the cluster channels (tests: the fake API server's). */
  kubeconfigFiles?: string[];
  /** Where an export the page asks for is written (the app shows a save dialog); `undefined` cancels. */
  chooseSaveFile?: ChooseSaveFile;
  /** Stands in for the native file dialog main/electron opens for "Choose kubeconfig file…" (undefined: cancelled). */
  chooseKubeconfigFile?: () => Promise<string | undefined>;
  /** Runs against the services before the page opens (seed a workspace, say). */
  before?: (services: AppServices) => Promise<void>;
  /** Whether main takes up changes other programs make to the workspace file as they happen (default true). */
  watchWorkspaceFile?: boolean;
  /** The supervisor's restart backoff and hang timeouts (a test that holds the gateway down, or hangs it). */
  gatewaySupervision?: AppServicesOptions['gatewaySupervision'];
}

export interface BrowserApp {
  page: Page;
  context: BrowserContext;
  services: AppServices;
  origin: string;
  dataDir: string;
  keychainService: string;
  /** `securitypolicyviolation` events the page saw. */
  cspViolations: unknown[];
  /** Console errors and warnings, and uncaught page errors. */
  consoleProblems: string[];
  /** Requests to anywhere but the local static server. */
  foreignRequests: string[];
  /** Every event main pushed to the page (traffic log lines, gateway status), to scan for secrets. */
  events: { event: string; payload: unknown }[];
  /** Every answer the page got to an invoke, to scan for secrets with the events. */
  responses: { channel: unknown; envelope: unknown }[];
  /** Invokes a channel on the real services, as the page would. */
  call<T>(channel: string, payload?: unknown): Promise<T>;
  screenshot(name: string): Promise<string>;
  /** Opens another page on the same services, in its own browser context. */
  openPage(options?: { colorScheme?: 'light' | 'dark' }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts everything: renderer build (once), static server, real services with a forked gateway, Chromium, the page. */
export async function openBrowserApp(options: BrowserAppOptions = {}): Promise<BrowserApp> {
  const rendererDir = await buildRenderer();
  const server = await startStaticServer(rendererDir);
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-browser-'));
  const keychainService = options.keychainService ?? `Gatehouse-test-${randomUUID()}`;
  const services = await createAppServices({
    dataDir, spawnGateway: () => forkGatewayProcess(), keychainService, gatewayPort: 0, loadKeytar: options.loadKeytar,
    kubeconfigFiles: options.kubeconfigFiles, chooseKubeconfigFile: options.chooseKubeconfigFile, chooseSaveFile: options.chooseSaveFile,
    watchWorkspaceFile: options.watchWorkspaceFile, gatewaySupervision: options.gatewaySupervision,
  });
  await options.before?.(services);
  await services.startGateway();
  const browser = await launchChromium();

  const cspViolations: unknown[] = [];
  const consoleProblems: string[] = [];
  const foreignRequests: string[] = [];
  const events: { event: string; payload: unknown }[] = [];
  const responses: { channel: unknown; envelope: unknown }[] = [];
  const pages: Page[] = [];
  const contexts: BrowserContext[] = [];

  services.onEvent((event, payload) => {
    events.push({ event, payload });
    const script = `window.dispatchEvent(new CustomEvent('gatehouse:event', { detail: ${JSON.stringify({ event, payload })} }))`;
    for (const p of pages) if (!p.isClosed()) p.evaluate(script).catch(() => undefined);
  });

  async function openPage(pageOptions: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1360, height: 860 },
      colorScheme: pageOptions.colorScheme ?? options.colorScheme ?? 'light',
      serviceWorkers: 'block',
    });
    contexts.push(context);
    const page = await context.newPage();
    // The Electron side accepts IPC only from the app page in the app window's main frame; so does this bridge.
    await page.exposeBinding('__gatehouseInvoke', (source, channel: unknown, payload: unknown) => {
      if (source.frame !== page.mainFrame() || !source.frame.url().startsWith(`${server.origin}/`)) {
        return { ok: false, error: { code: 'GATEHOUSE_UNTRUSTED_SENDER', message: 'not the app page' } };
      }
      return services.dispatch(channel, payload).then((envelope) => {
        responses.push({ channel, envelope });
        return envelope;
      });
    });
    await page.exposeBinding('__gatehouseReport', (_source, violation: unknown) => {
      cspViolations.push(violation);
    });
    await page.addInitScript(BRIDGE_SCRIPT);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleProblems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${server.origin}/`) && !url.startsWith('data:')) foreignRequests.push(url);
    });
    // Waits end on what the page shows; this only stops a hang a little before the test's own timeout would.
    page.setDefaultTimeout(25_000);
    pages.push(page);
    await page.goto(`${server.origin}/index.html`);
    return page;
  }

  const page = await openPage();
  return {
    page,
    context: page.context(),
    services,
    origin: server.origin,
    dataDir,
    keychainService,
    cspViolations,
    consoleProblems,
    foreignRequests,
    events,
    responses,
    async call<T>(channel: string, payload?: unknown): Promise<T> {
      const envelope = await services.dispatch(channel, payload);
      if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
      return envelope.value as T;
    },
    async screenshot(name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    openPage,
    async close() {
      // Secrets this run wrote go with it (the keychain service is the test's own).
      const listed = await services.dispatch('secrets:list', undefined);
      if (listed.ok) for (const s of listed.value as { name: string; namespace?: string }[]) await services.dispatch('secrets:delete', s.namespace ? { name: s.name, namespace: s.namespace } : { name: s.name });
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await services.shutdown();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(rendererDir, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_PATH = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core on the page. The script is evaluated through the DevTools protocol (page.evaluate), which
 * the page's CSP does not govern (addScriptTag would inject an inline script the CSP blocks), so the page
 * keeps the app's CSP: no bypassCSP context is needed.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(AXE_PATH, 'utf8');
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(await axeSource);
  return (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as AxeViolation[];
}

export function seriousViolations(violations: readonly AxeViolation[]): string[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) ${v.help}: ${v.targets.slice(0, 3).join(', ')}`);
}

/** The app with `services` saved in its workspace before the page opens, returned once the gateway runs. */
export async function openBrowserAppServing(services: unknown[], viewport: { width: number; height: number }, options: Omit<BrowserAppOptions, 'viewport' | 'before'> = {}): Promise<BrowserApp> {
  const app = await openBrowserApp({
    ...options,
    viewport,
    before: async (main) => {
      const envelope = await main.dispatch('workspace:save', { services });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  await app.page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
  return app;
}

/** The error text a form shows for an input (its aria-describedby `…-error` elements), '' when none. */
export async function fieldErrorOf(input: Locator): Promise<string> {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter((id) => id.endsWith('-error'));
  const texts = await Promise.all(ids.map((id) => input.page().locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}
