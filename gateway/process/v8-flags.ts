// V8 options the gateway's process sets on itself once its code is loaded (the CLI's launcher and the app's
// fork launcher call applyGatewayV8Flags), rather than on its command line.
//
// Why not the command line: V8 checks a code cache against a hash of every option that differs from its default,
// and Node's own modules (http, net, stream, crypto, tls...) come with a code cache built under the defaults. With
// any V8 option on the command line, each of Node's modules the gateway loads was compiled from source: require of
// node:crypto took 14-22 ms instead of 5-6, and spawn to the first answered request 293 against 249 ms (median of
// 11, three alternating rounds, 2-core VM). Set once the gateway's modules are loaded, the options leave what was
// compiled alone; a module Node loads later (a lazy one) compiles from source, as all did before.
//
// --heap-growing-percent=20: the old generation may grow by a fifth before the next full collection, instead of
//   V8's adaptive factor of up to 4x. A gateway's garbage dies young, so steady load hardly notices; a burst of
//   2,000 concurrent requests, whose objects live long enough to be promoted, peaked at 115-117 MB instead of
//   177-199 MB (measured with hey on fresh processes), for about a fifth less throughput in that burst. V8 reads it
//   each time it sets the next collection's limit, so it works set at run time (118-121 MB in the same burst).
// --liftoff-only: WebAssembly stays in V8's baseline compiler. The only WebAssembly here is undici's HTTP response
//   parser, compiled at the first upstream connection (after this is set), and V8 tiered its main function up with
//   TurboFan after the first response: 140-150 ms of a background thread and a 29 MB peak of compiler memory
//   (--trace-wasm-compilation-times), of which 4 MB stayed resident in that thread's malloc arena in about half the
//   starts (idle 62 or 66 MB before; 61.3-61.7 MB in every start with this flag). Parsing a typical response costs
//   0.8 instead of 0.3 us in baseline code (the parser alone, in a loop). V8 lists the flag "for testing"; the
//   launch tests check, from V8's own trace, that the parser is never compiled with TurboFan.
// Given up with the command line: --max-semi-space-size=8, which V8 reads only when it sets its heap up. Without it
// the young generation may grow to 16 MB per semi-space under load: 89 against 79 MB at the peak of 10 s of wrk
// (32 connections, the bench's upstream); the bench's target there is 100 MB.
//
// Electron's utilityProcess keeps its defaults (untested there; its compile cache is Node's own).
import { setFlagsFromString } from 'node:v8';

interface GatewayV8Flag {
  set: string;
  /** What puts the option back to V8's default, with every option it implies (liftoff-only turns tier-up off). */
  reset: readonly string[];
}

const GATEWAY_V8_FLAGS: readonly GatewayV8Flag[] = [
  { set: '--heap-growing-percent=20', reset: ['--heap-growing-percent=0'] },
  { set: '--liftoff-only', reset: ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'] },
];

const GATEWAY_V8_OPTIONS: readonly string[] = GATEWAY_V8_FLAGS.map((flag) => flag.set);

let applied = false;

function setAll(options: readonly string[]): void {
  for (const option of options) setFlagsFromString(option);
}

/** Sets the gateway's V8 options; once its code is loaded, before it serves (and compiles any WebAssembly). */
export function applyGatewayV8Flags(): void {
  if (applied || process.versions.electron !== undefined) return;
  setAll(GATEWAY_V8_OPTIONS);
  applied = true;
}

/**
 * Runs `work` with V8's options at their defaults, then sets the gateway's again. For a code cache: V8 stamps it
 * with the hash of the options in force, and the next start reads it before it sets its own, under the defaults,
 * so a cache written under the gateway's options would be refused every time.
 */
export function underDefaultV8Flags<T>(work: () => T): T {
  if (!applied) return work();
  setAll(GATEWAY_V8_FLAGS.flatMap((flag) => flag.reset));
  try {
    return work();
  } finally {
    setAll(GATEWAY_V8_OPTIONS);
  }
}
