/**
 * Node options the gateway's Node process starts with: `child_process.fork` of the entry, `npm run gateway` and
 * `npm start` without a display (build.mjs reads this file to start the CLI; a test reads the started processes),
 * the soak and the bench. V8 reads them only at start-up, so they cannot be set from inside the process.
 * Electron's utilityProcess is left with its defaults (untested there).
 * --max-semi-space-size=8 (MB): under sustained load V8 lets the young generation grow to 16 MB per semi-space,
 *   which put the gateway at 94-95 MB under the bench's load (target 100). At 8 MB: 81-84 MB, and under --trace-gc
 *   1.15 us of scavenging per request against 1.91 at 4 MB (10 s of wrk each), about 2 % more requests a second
 *   (three alternating runs); 4 MB had been chosen when the load figure was 90-98 MB, before the memory work.
 * --heap-growing-percent=20: the old generation may grow by a fifth before the next full collection, instead of
 *   V8's adaptive factor of up to 4x. A gateway's garbage dies young, so steady load hardly notices; a burst of
 *   2,000 concurrent requests, whose objects live long enough to be promoted, peaked at 115-117 MB instead of
 *   177-199 MB (measured with hey on fresh processes), for about a fifth less throughput in that burst.
 * --liftoff-only: WebAssembly stays in V8's baseline compiler. The only WebAssembly here is undici's HTTP response
 *   parser, and V8 tiered its main function up with TurboFan after the first response: 140-150 ms of a background
 *   thread and a 29 MB peak of compiler memory (--trace-wasm-compilation-times), of which 4 MB stayed resident in
 *   that thread's malloc arena in about half the starts (idle 62 or 66 MB before; 61.3-61.7 MB in every start
 *   with this flag). Parsing a typical response costs 0.8 instead of 0.3 us in baseline code (the parser alone, in a loop).
 *   V8 lists the flag "for testing"; node rejects an option its V8 lacks, so the launch tests would catch its removal.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=20', '--liftoff-only'];

/**
 * Environment the gateway's Node process starts with, beside its options (same launches; glibc reads it only at
 * start-up). MALLOC_TRIM_THRESHOLD_=131072: glibc's malloc gives the top of a heap back to the system once more
 * than 128 KB of it is free. That is glibc's default, but fixed: by default the threshold rises (up to 64 MB) each
 * time a large block glibc had mapped on its own is freed, and after V8 compiled undici's WebAssembly HTTP parser
 * on a background thread, about 10 MB of the compiler's freed working memory stayed in that thread's malloc arena
 * in about half the starts (63 or 73 MB idle; 62-66 MB with the fixed threshold). Not MALLOC_MMAP_THRESHOLD_=32768,
 * which freed that memory in every start but also mapped each 64 KB read buffer of an upstream socket on its own
 * whenever the heap's top had no room: after mTLS traffic the gateway sometimes settled into an mmap and a munmap
 * per request, 85-100 us a request instead of 55-60. Ignored where malloc is not glibc's.
 */
export const GATEWAY_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: '131072' };
