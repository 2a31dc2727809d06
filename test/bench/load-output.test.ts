import { describe, expect, it } from 'vitest';
import { parseHey, parseWrk } from './load-output';

// Output captured from the Debian packages the bench runs (wrk 4.1.0, hey 0.1.4); wrk pads short figures
// with a trailing space ("1.02s ").
const WRK = `Running 5s test @ http://127.0.0.1:41000/v1/json
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.66ms    1.02ms  25.27ms   90.12%
    Req/Sec     8.81k   512.33     9.43k    86.00%
  Latency Distribution
     50%    3.45ms
     75%    3.80ms
     90%    4.40ms
     99%  850.00us 
  43861 requests in 5.00s, 9.57MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   8770.90
Transfer/sec:      1.91MB
`;

const HEY = `
Summary:
  Total:	5.0051 secs
  Slowest:	0.0271 secs
  Fastest:	0.0003 secs
  Average:	0.0011 secs
  Requests/sec:	998.9810

Response time histogram:
  0.000 [1]	|

Latency distribution:
  10% in 0.0008 secs
  50% in 0.0012 secs
  99% in 0.0150 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0003 secs, 0.0271 secs

Status code distribution:
  [200]	4990 responses
  [401]	3 responses

Error distribution:
  [2]	Get "http://127.0.0.1:41000/v1/json": dial tcp 127.0.0.1:41000: connect: connection refused
`;

describe('load generator output', () => {
  it('reads wrk --latency: req/s, percentiles in any unit, socket errors and non-2xx', () => {
    expect(parseWrk(WRK)).toEqual({ requestsPerSecond: 8770.9, p50: 3.45, p99: 0.85, requests: 43861, errors: 5, non2xx: 7 });
  });

  it('reads wrk output without errors as zero errors', () => {
    const clean = WRK.replace(/ {2}Socket errors.*\n/, '').replace(/ {2}Non-2xx.*\n/, '');
    expect(parseWrk(clean)).toMatchObject({ errors: 0, non2xx: 0 });
  });

  it('reads hey: req/s, percentiles in ms, statuses and errors', () => {
    expect(parseHey(HEY)).toEqual({ requestsPerSecond: 998.981, p50: 1.2, p99: 15, requests: 4993, errors: 2, non2xx: 3 });
  });

  it('refuses output it cannot read instead of reporting zeros', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/Requests\/sec/);
    expect(() => parseHey('')).toThrow(/Requests\/sec/);
  });
});
