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
// --optimize-for-size, only while the gateway is quiet after serving (quiet-memory.ts decides when): V8 then
//   favours memory as it does for a background tab, and its memory reducer, which checks every 8 s, runs its
//   memory-reducing collections at its next check. Otherwise it waits until the allocation rate, averaged over its
//   last collections, looks low: 26-46 s after a burst of 2,000 concurrent requests here, the gateway holding
//   109-122 MB all that time against 59 MB before the burst. The option implies --max-semi-space-size=1, which V8
//   reads only when it sets its heap up: it changes nothing here but the options' hash, and is reset with it.
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

const FAVOUR_MEMORY: GatewayV8Flag = { set: '--optimize-for-size', reset: ['--no-optimize-for-size', '--max-semi-space-size=0'] };

/**
 * One record per process, not per copy of this module: the launcher's bundle sets the options and writes the code
 * cache, and the gateway's own bundle (beside it, with a copy of this module of its own) asks V8 to favour memory.
 */
interface V8FlagState {
  applied: boolean;
  favouringMemory: boolean;
}
const STATE_KEY = Symbol.for('gatehouse.gateway-v8-flags');
const state: V8FlagState = ((globalThis as { [STATE_KEY]?: V8FlagState })[STATE_KEY] ??= { applied: false, favouringMemory: false });

function setAll(options: readonly string[]): void {
  for (const option of options) setFlagsFromString(option);
}

/** Sets the gateway's V8 options; once its code is loaded, before it serves (and compiles any WebAssembly). */
export function applyGatewayV8Flags(): void {
  if (state.applied || process.versions.electron !== undefined) return;
  setAll(GATEWAY_V8_OPTIONS);
  state.applied = true;
}

/**
 * Has V8 favour memory over speed (`true`, while the gateway is quiet) or speed (`false`, V8's default). Only in a
 * process whose launcher set the gateway's options: elsewhere (a test's process, Electron) it changes nothing.
 */
export function favourMemory(memory: boolean): void {
  if (!state.applied || memory === state.favouringMemory) return;
  setAll(memory ? [FAVOUR_MEMORY.set] : FAVOUR_MEMORY.reset);
  state.favouringMemory = memory;
}

/**
 * Runs `work` with V8's options at their defaults, then sets the gateway's again. For a code cache: V8 stamps it
 * with the hash of the options in force, and the next start reads it before it sets its own, under the defaults,
 * so a cache written under the gateway's options would be refused every time.
 */
export function underDefaultV8Flags<T>(work: () => T): T {
  if (!state.applied) return work();
  setAll([...GATEWAY_V8_FLAGS, FAVOUR_MEMORY].flatMap((flag) => flag.reset));
  try {
    return work();
  } finally {
    setAll(state.favouringMemory ? [...GATEWAY_V8_OPTIONS, FAVOUR_MEMORY.set] : GATEWAY_V8_OPTIONS);
  }
}
