/**
 * Environment the gateway's Node process starts with: `child_process.fork` of the entry, `npm run gateway` and
 * `npm start` without a display (build.mjs reads this file to start the CLI; a test reads the started processes),
 * the soak and the bench. glibc reads it only at start-up, so it cannot be set from inside the process.
 * MALLOC_TRIM_THRESHOLD_=131072: glibc's malloc gives the top of a heap back to the system once more
 * than 128 KB of it is free. That is glibc's default, but fixed: by default the threshold rises (up to 64 MB) each
 * time a large block glibc had mapped on its own is freed, and after V8 compiled undici's WebAssembly HTTP parser
 * on a background thread, about 10 MB of the compiler's freed working memory stayed in that thread's malloc arena
 * in about half the starts (63 or 73 MB idle; 62-66 MB with the fixed threshold). Not MALLOC_MMAP_THRESHOLD_=32768,
 * which freed that memory in every start but also mapped each 64 KB read buffer of an upstream socket on its own
 * whenever the heap's top had no room: after mTLS traffic the gateway sometimes settled into an mmap and a munmap
 * per request, 85-100 us a request instead of 55-60. Ignored where malloc is not glibc's.
 *
 * No V8 options go on the command line: the process sets its own once its code is loaded (v8-flags.ts says why).
 */
export const GATEWAY_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: '131072' };
