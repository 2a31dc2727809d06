/** One structured line per request. Holds no header values, no query string, no credential. */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  route: string | null;
  service: string | null;
  consumer: string | null;
  status: number;
  upstreamMs: number | null;
  totalMs: number;
  client: string;
  error?: string;
}

export type RequestLogSink = (entry: RequestLogEntry) => void;

export function jsonLineSink(write: (line: string) => void): RequestLogSink {
  return (entry) => write(`${JSON.stringify(entry)}\n`);
}
