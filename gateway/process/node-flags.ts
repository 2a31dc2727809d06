/**
 * Node options the gateway's Node process starts with: `child_process.fork` of the entry, `npm run gateway`
 * (package.json spells them out; a test keeps the two equal) and the bench.
 * --max-semi-space-size=4 (MB): under sustained load V8 lets the young generation grow to 16 MB per semi-space,
 * 15-25 MB of resident memory the gateway does not need; at 4 MB scavenges took 4.2 % of a --cpu-prof profile
 * under wrk instead of 3.1 %, while 2 MB made it 16 %. V8 reads it only at start-up, so it cannot
 * be set from inside the process. Electron's utilityProcess is left with its defaults (untested there).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
