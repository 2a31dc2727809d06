import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { allowedCpus, benchPlacement, onCpus, parseCpuList, placeOn } from './cpu-placement';

describe("the bench's CPU placement", () => {
  it('reads the kernel CPU list format', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-1\n')).toEqual([0, 1]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(() => parseCpuList('0-')).toThrow('not a CPU list: "0-"');
  });

  it('puts the measured process on the first allowed CPU and the load on the rest; nothing with one CPU', () => {
    expect(placeOn([0, 1])).toEqual({ serving: '0', load: '1' });
    expect(placeOn([2, 3, 5, 6])).toEqual({ serving: '2', load: '3,5,6' });
    expect(placeOn([3])).toBeUndefined();
  });

  it('runs a command on the CPUs it is given, under the pid the harness reads', async () => {
    // A real process under the real taskset, its affinity read back from /proc while it runs.
    const placement = benchPlacement();
    if (!('serving' in placement)) {
      // Nothing placed: taskset is missing (checked first), or this process may use one CPU only.
      expect(placement.none).toMatch(allowedCpus().length === 1 ? /is missing|^only CPU \d+ is available$/ : /^\/usr\/bin\/taskset is missing/);
      return;
    }
    for (const cpus of [placement.serving, placement.load]) {
      const child = spawn(...onCpus(cpus, process.execPath, ['-e', 'process.stdout.write(String(process.pid)); setTimeout(() => {}, 30_000)']), { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        const [pid] = (await once(child.stdout!, 'data')) as [Buffer];
        expect(Number(pid.toString())).toBe(child.pid);
        expect(allowedCpus(child.pid!).join(',')).toBe(cpus);
      } finally {
        child.kill();
      }
    }
  });
});
