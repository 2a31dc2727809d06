/**
 * Node options the gateway's Node process starts with: `child_process.fork` of the entry, `npm run gateway`
 * (package.json spells them out; a test keeps the two equal) and the bench.
 * --max-semi-space-size=4 (MB): under sustained load V8 lets the young generation grow to 16 MB per semi-space,
 * which is ~25 MB of resident memory the gateway does not need; at 4 MB scavenges stay about as cheap (measured with
 * --cpu-prof under wrk), while 2 MB quadruples the time spent collecting. V8 reads it only at start-up, so it cannot
 * be set from inside the process. Electron's utilityProcess is left with its defaults (untested there).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
