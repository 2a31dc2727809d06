// Which CPUs the bench's processes run on. With every process free to run anywhere, the process being measured
// shares both cores of a 2-core machine with wrk, hey and the upstream, and how much of a core it gets swings with
// the scheduler's choices from one round to the next: what the issue held against a JavaScript load generator,
// only less. So the process being measured (a proxy, the gateway, nginx's peer, the hello server) runs alone on the
// first CPU this bench may use, and the load generators, the upstream and the harness share the others: every proxy
// is measured on one core of its own, as one Node thread is, and the load never runs on that core.
// Linux only (taskset, from util-linux); with one CPU, or without taskset, nothing is placed and the bench says so.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statusField } from './process-stats';

const TASKSET = '/usr/bin/taskset';

export interface CpuPlacement {
  /** The CPU the measured process runs on, as taskset writes a list: `0`. */
  serving: string;
  /** The CPUs of the load generators, the upstream and the harness: `1`, `1,2,3`. */
  load: string;
}

/** `0-3,6` → [0, 1, 2, 3, 6]: the kernel's CPU list format (`Cpus_allowed_list`, cpuset files). */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    for (let cpu = first; cpu <= last; cpu += 1) cpus.push(cpu);
  }
  return cpus;
}

/** The first allowed CPU serves; the rest carry the load. Undefined when there is only one. */
export function placeOn(allowed: readonly number[]): CpuPlacement | undefined {
  if (allowed.length < 2) return undefined;
  return { serving: String(allowed[0]), load: allowed.slice(1).join(',') };
}

/** The CPUs this process may run on, from /proc. */
export function allowedCpus(pid: number | 'self' = 'self'): number[] {
  const list = statusField(pid, 'Cpus_allowed_list');
  if (list === undefined) throw new Error(`/proc/${pid}/status has no Cpus_allowed_list`);
  return parseCpuList(list);
}

/** This machine's placement, or why there is none. */
export function benchPlacement(): CpuPlacement | { none: string } {
  if (!existsSync(TASKSET)) return { none: `${TASKSET} is missing (util-linux)` };
  const allowed = allowedCpus();
  return placeOn(allowed) ?? { none: `only CPU ${allowed.join(',')} is available` };
}

/** `command args` run on `cpus` (a taskset list); taskset execs the command, so the pid is the command's. */
export function onCpus(cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpus === undefined ? [command, [...args]] : [TASKSET, ['-c', cpus, command, ...args]];
}

/** Moves every thread of a running process (this harness, say) onto `cpus`. */
export function moveTo(pid: number, cpus: string): void {
  execFileSync(TASKSET, ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}
