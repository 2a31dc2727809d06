// The gateway process this test process forked (the app's supervisor runs in the test process): its pid, read from
// /proc, so that a test can kill or stop it as the system or a debugger would.
import { readdirSync, readFileSync } from 'node:fs';

export function forkedGatewayPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('gateway/process/entry')) return Number(entry);
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}
