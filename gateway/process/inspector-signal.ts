// SIGUSR1 would have Node open its inspector on 127.0.0.1:9229 (Node's default for that signal), and any local user
// can connect to a loopback port: one heap snapshot there holds every credential the gateway has in memory, the
// consumers' passwords and the backends' alike. nginx's operators send USR1 to reopen logs, so the signal is not an
// unlikely one. A listener of its own keeps Node from opening the inspector (Node 20-24; `--disable-sigusr1` exists
// only from Node 22.14): the gateway says it ignored the signal, and serves on. A developer who wants a debugger
// starts the process with --inspect, on purpose.
const INSPECTOR_SIGNAL = 'SIGUSR1';

/** Keeps SIGUSR1 from opening Node's inspector in this process; each one is said on stderr through `say`. */
export function keepInspectorClosed(say: (line: string) => void): void {
  process.on(INSPECTOR_SIGNAL, () => say(`${INSPECTOR_SIGNAL} ignored: the gateway does not open a debugger, which could read the credentials it holds (start it with --inspect to debug)`));
}
