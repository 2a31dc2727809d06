// Reads the summaries wrk and hey print, so the harness works with their own figures rather than re-deriving them.

export interface LoadFigures {
  requestsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Socket errors (connect, read, write, timeout) for wrk; failed requests for hey. */
  errors: number;
  non2xx: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`not a wrk duration: "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

function required(output: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(output);
  if (!match) throw new Error(`the load generator's output has no ${what}:\n${output}`);
  return match;
}

/** `wrk --latency` output. */
export function parseWrk(output: string): LoadFigures {
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(required(output, /Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]),
    p50: durationMs(required(output, /^\s+50%\s+(\S+)\s*$/m, '50% latency')[1]!),
    p99: durationMs(required(output, /^\s+99%\s+(\S+)\s*$/m, '99% latency')[1]!),
    requests: Number(required(output, /(\d+) requests in/, 'request count')[1]),
    errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
  };
}

/** hey's default summary (latencies in seconds with four decimals: 0.1 ms resolution). */
export function parseHey(output: string): LoadFigures {
  const statuses = [...output.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)].map((m) => ({ status: Number(m[1]), count: Number(m[2]) }));
  const errorSection = /Error distribution:\n([^]*)$/.exec(output)?.[1] ?? '';
  const errors = [...errorSection.matchAll(/^\s+\[(\d+)\]/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return {
    requestsPerSecond: Number(required(output, /Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]),
    p50: Number(required(output, /50% in ([\d.]+) secs/, '50% latency')[1]) * 1000,
    p99: Number(required(output, /99% in ([\d.]+) secs/, '99% latency')[1]) * 1000,
    requests: statuses.reduce((sum, s) => sum + s.count, 0),
    errors,
    non2xx: statuses.filter((s) => s.status < 200 || s.status > 299).reduce((sum, s) => sum + s.count, 0),
  };
}
