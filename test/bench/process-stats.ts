// What the harness reads about a process it started, from /proc (Linux): resident memory, open descriptors, any field of its status.
import { readFileSync, readdirSync } from 'node:fs';

/** One field of /proc/PID/status (`VmRSS`, `Cpus_allowed_list`) as the kernel writes it, or undefined if absent. */
export function statusField(pid: number | 'self', field: string): string | undefined {
  return new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
}

/** Resident set size in MB, or 0 once the process is gone. */
export function rssMb(pid: number): number {
  try {
    return Number(/^(\d+)/.exec(statusField(pid, 'VmRSS') ?? '')?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export function openDescriptors(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Samples `read()` every `everyMs` until stopped; `stop()` returns the highest value seen. */
export function samplePeak(read: () => number, everyMs = 100): { stop(): number } {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}

/** The processes `pid` started, or none when the kernel has no children file (older kernels) or `pid` is gone. */
export function childProcesses(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU time (user + system, ms) used so far by the process and its direct children (nginx's workers). */
export function cpuMs(pid: number): number {
  const own = (p: number) => {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  };
  return own(pid) + childProcesses(pid).reduce((sum, child) => sum + own(child), 0);
}
