// Keeps one of Node's nextTick records alive for the life of the gateway's process, so that V8 never collects their
// hidden class. The launchers (launch-cli.ts, launch-entry.ts) call it first, before the gateway's code is loaded.
//
// Why: process.nextTick builds each record (a "TickObject") as an object literal with computed keys, Node's async-id
// symbols. V8 caches how to build it in the literal's inline caches, which hold the hidden class weakly. Once every
// record has died and V8 has collected the class, the next records miss those caches, which go MEGAMORPHIC
// (`%DebugPrint(process.nextTick)` shows them), and from then on every nextTick builds its record through a runtime
// call (perf: Runtime_DefineKeyedOwnPropertyInLiteral): 4-7 times the cost of a call, for the rest of the process's
// life. V8 collects the class in the first memory-reducing collection of a quiet process (its memory reducer, after
// a burst; or at once, when the gateway favours memory while quiet, quiet-memory.ts), or in three full collections
// without a nextTick pending. Node 20.20 (V8 11.3), 22.23 (V8 12.4) and 24.22 (V8 13.6) all do it, so Electron's
// utility process does too. Node's streams and HTTP server call nextTick several times a request: under wrk, after
// a quiet spell, nextTick took 3.7 % of the gateway's CPU, against 0.7 % with the record held (CPU profiles, 30 Nov).
//
// The record is caught by an async hook's `init`, which is handed it as the resource; the hook is switched off at
// once, so no hook runs afterwards. It is held from the global object: a launcher's module scope is garbage once
// the launcher has run (held there, the record died with it and the caches went megamorphic all the same).
import { createHook } from 'node:async_hooks';

const HELD_KEY = Symbol.for('gatehouse.held-tick-object');
type HoldingGlobal = { [HELD_KEY]?: object };

export function holdTickObjectClass(): void {
  const global = globalThis as HoldingGlobal;
  if (global[HELD_KEY] !== undefined) return;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource: object) {
      if (type === 'TickObject') global[HELD_KEY] ??= resource;
    },
  });
  hook.enable();
  try {
    process.nextTick(() => undefined);
  } finally {
    hook.disable();
  }
}
