// A local kube-apiserver stand-in that speaks the REST protocol for what Gatehouse uses: TLS from its own CA,
// bearer-token and client-certificate users with RBAC-like rules, namespaces, Secrets, CRD-backed custom
// resources validated against their schemas, server-side apply with managed fields, dry runs and discovery.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseAllDocuments, stringify } from 'yaml';
import { FakeClusterPki, type PemPair } from './pki';
import { Authenticator, Authorizer, CLUSTER_ADMIN, type PolicyRule, type UserInfo } from './auth';
import { TypeRegistry, typesFromCrd } from './resource-types';
import { ObjectStore, type JsonObject } from './storage';
import { ResourceHandlers } from './api-handlers';
import { createRouter, type RequestRecord } from './router';
import type { StatusBody } from './status';
import { isoNow } from './object-rules';

export { statuses, type StatusBody } from './status';
export type { PolicyRule, UserInfo } from './auth';
export type { RequestRecord } from './router';

const CRD_DIR = new URL('./crds/', import.meta.url);

/** CRDs a test can install: Kyma's Application (the published CRD), WSO2 APK's Backend, APISIX's consumer and route. */
export const KNOWN_CRDS = {
  kyma: () => readFileSync(new URL('kyma-application-crd.yaml', CRD_DIR), 'utf8'),
  apk: () => readFileSync(new URL('apk-backend-crd.yaml', CRD_DIR), 'utf8'),
  apisix: () => readFileSync(new URL('apisix-crds.yaml', CRD_DIR), 'utf8'),
} as const;
export type KnownCrd = keyof typeof KNOWN_CRDS;

export interface FakeKubeApiOptions {
  namespaces?: string[];
  crds?: KnownCrd[];
}

export interface KubeconfigOptions {
  /** A bearer token, or a client certificate (PEM pair). */
  credentials: { token: string } | { cert: PemPair };
  namespace?: string;
  context?: string;
  /** Overrides: a wrong CA, another server address, or `insecure-skip-tls-verify`. */
  caPem?: string;
  server?: string;
  skipTlsVerify?: boolean;
}

export interface FakeKubeApi {
  url: string;
  port: number;
  caPem: string;
  pki: FakeClusterPki;
  store: ObjectStore;
  registry: TypeRegistry;
  authorizer: Authorizer;
  authenticator: Authenticator;
  requests: RequestRecord[];
  /** How many watches are being served right now (each already subscribed to the store). */
  openWatches(): number;
  /** A user with a fresh bearer token; `rules` default to cluster-admin. */
  addUser(name: string, rules?: PolicyRule[], groups?: string[]): string;
  clientCertificate(user: string, groups?: string[], options?: { expired?: boolean }): Promise<PemPair>;
  installCrd(crd: KnownCrd | string): void;
  uninstallCrd(group: string, plural: string): void;
  /** Answer matching requests with a Status instead (server-side failures the real API would give). */
  intercept(fn: (req: IncomingMessage, path: string, user: UserInfo) => StatusBody | undefined): () => void;
  /** Seed an object directly, as another tool would have created it (e.g. a namespace). */
  createNamespace(name: string): void;
  kubeconfig(options: KubeconfigOptions): string;
  writeKubeconfig(options: KubeconfigOptions, dir?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const pki = await FakeClusterPki.create();
  const registry = new TypeRegistry();
  const store = new ObjectStore();
  const authenticator = new Authenticator();
  const authorizer = new Authorizer();
  const clock = () => new Date();
  const handlers = new ResourceHandlers(store, registry, authorizer, clock);
  const records: RequestRecord[] = [];
  const watchClosers = new Set<() => void>();
  const interceptors: ((req: IncomingMessage, path: string, user: UserInfo) => StatusBody | undefined)[] = [];
  let address = '127.0.0.1:0';

  const router = createRouter({ registry, store, authenticator, authorizer, handlers, records, watchClosers, serverAddress: () => address, clock, interceptors });
  const server: Server = createServer({ cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => void router(req, res));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `https://127.0.0.1:${port}`;

  const nsType = registry.find('', 'v1', 'namespaces')!;
  const createNamespace = (name: string) => {
    const now = clock();
    store.put(nsType, undefined, name, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: ObjectStore.newUid(), resourceVersion: store.nextRevision(), creationTimestamp: isoNow(now), labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    } satisfies JsonObject);
  };
  for (const ns of options.namespaces ?? ['default', 'kube-system', 'kube-public']) createNamespace(ns);

  const installCrd = (crd: KnownCrd | string) => {
    const text = crd in KNOWN_CRDS ? KNOWN_CRDS[crd as KnownCrd]() : crd;
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS();
      if (value) registry.install(typesFromCrd(value));
    }
  };
  for (const crd of options.crds ?? []) installCrd(crd);

  const kubeconfig = (k: KubeconfigOptions) => {
    const context = k.context ?? 'fake';
    const user =
      'token' in k.credentials
        ? { token: k.credentials.token }
        : { 'client-certificate-data': Buffer.from(k.credentials.cert.cert).toString('base64'), 'client-key-data': Buffer.from(k.credentials.cert.key).toString('base64') };
    const cluster: Record<string, unknown> = { server: k.server ?? url };
    if (k.skipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
    else cluster['certificate-authority-data'] = Buffer.from(k.caPem ?? pki.ca.cert).toString('base64');
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: `${context}-cluster`, cluster }],
      users: [{ name: `${context}-user`, user }],
      contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: `${context}-user`, ...(k.namespace ? { namespace: k.namespace } : {}) } }],
      'current-context': context,
      preferences: {},
    });
  };

  return {
    url,
    port,
    caPem: pki.ca.cert,
    pki,
    store,
    registry,
    authorizer,
    authenticator,
    requests: records,
    openWatches: () => watchClosers.size,
    addUser(name, rules = CLUSTER_ADMIN, groups = []) {
      const token = randomBytes(24).toString('base64url');
      authenticator.addToken(token, { name, groups: [...groups, 'system:authenticated'] });
      authorizer.setRules(name, rules);
      return token;
    },
    clientCertificate: (user, groups, opts) => pki.clientCertificate(user, groups, opts),
    installCrd,
    uninstallCrd: (group, plural) => registry.uninstall(group, plural),
    intercept(fn) {
      interceptors.push(fn);
      return () => {
        const at = interceptors.indexOf(fn);
        if (at >= 0) interceptors.splice(at, 1);
      };
    },
    createNamespace,
    kubeconfig,
    async writeKubeconfig(k, dir) {
      const folder = dir ?? (await mkdtemp(join(tmpdir(), 'fake-kube-')));
      const file = join(folder, `${k.context ?? 'fake'}.kubeconfig`);
      await writeFile(file, kubeconfig(k), { mode: 0o600 });
      return file;
    },
    async close() {
      for (const finish of [...watchClosers]) finish();
      server.close();
      for (const socket of sockets) socket.destroy();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
