/**
 * Node options the gateway's Node process starts with: `child_process.fork` of the entry, `npm run gateway`
 * (package.json spells them out, with the environment below; a test keeps them equal) and the bench. V8 reads
 * them only at start-up, so they cannot be set from inside the process. Electron's utilityProcess is left with
 * its defaults (untested there).
 * --max-semi-space-size=4 (MB): under sustained load V8 lets the young generation grow to 16 MB per semi-space,
 *   15-25 MB of resident memory the gateway does not need; at 4 MB scavenges took 4.2 % of a --cpu-prof profile
 *   under wrk instead of 3.1 %, while 2 MB made it 16 %.
 * --heap-growing-percent=20: the old generation may grow by a fifth before the next full collection, instead of
 *   V8's adaptive factor of up to 4x. A gateway's garbage dies young, so steady load hardly notices; a burst of
 *   2,000 concurrent requests, whose objects live long enough to be promoted, peaked at 115-117 MB instead of
 *   177-199 MB (measured with hey on fresh processes), for about a fifth less throughput in that burst.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

/**
 * Environment the gateway's Node process starts with, beside its options (same launches; glibc reads it only at
 * start-up). MALLOC_MMAP_THRESHOLD_=32768: glibc's malloc then serves every block of 32 KB or more with its own
 * mapping and unmaps it when freed. V8's optimizing compilers allocate their working memory in such blocks on a
 * background thread; with glibc's default (a threshold that rises as large blocks are freed) that memory stayed in
 * the thread's malloc arena after compiling undici's WebAssembly HTTP parser, 10 MB of idle RSS in about half the
 * starts (64 MB or 74 MB after the first request; with this setting 64 MB in every start). Steady load allocates no
 * such block per request (no mmap/munmap counted under wrk once warm). Ignored where malloc is not glibc's.
 */
export const GATEWAY_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '32768' };
