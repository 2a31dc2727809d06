// Types for the undici modules gateway/proxy/undici-core.ts loads directly: each is what undici's index
// re-exports under the same name, so it takes the index's type.
declare module 'undici/lib/dispatcher/pool.js' {
  const Pool: typeof import('undici').Pool;
  type Pool = import('undici').Pool;
  export = Pool;
}
declare module 'undici/lib/core/errors.js' {
  const errors: typeof import('undici').errors;
  export = errors;
}
declare module 'undici/lib/api/api-request.js' {
  type Dispatcher = import('undici').Dispatcher;
  function request(this: Dispatcher, options: import('undici').Dispatcher.RequestOptions): Promise<import('undici').Dispatcher.ResponseData>;
  export = request;
}
declare module 'undici/lib/global.js' {
  export const getGlobalDispatcher: typeof import('undici').getGlobalDispatcher;
}
declare module 'undici/lib/core/util.js' {
  /** What undici's own parseHeaders names a raw header with (not part of undici's index). */
  export function headerNameToString(value: Buffer | string): string;
}
declare module 'undici/lib/core/symbols.js' {
  /** undici's private keys; only the ones the gateway reads are typed (not part of undici's index). */
  const symbols: { readonly kParser: symbol; readonly kQueue: symbol; readonly kQueued: symbol; readonly kRunning: symbol; readonly kRunningIdx: symbol; readonly kReset: symbol };
  export = symbols;
}
declare module 'undici/lib/core/connect.js' {
  /** undici's own connector, as the index's `buildConnector`; it also returns the socket it opens, which its type leaves out. */
  function buildConnector(options?: import('undici').buildConnector.BuildOptions): (
    options: import('undici').buildConnector.Options,
    callback: import('undici').buildConnector.Callback,
  ) => import('node:net').Socket;
  export = buildConnector;
}
