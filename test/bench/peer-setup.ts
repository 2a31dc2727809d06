// What every proxy in the benchmark is told by the harness (over the fork IPC channel, never argv or env):
// where to listen, which upstream to reach, the one Basic credential to accept and the one to inject.
import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';

export interface PeerSetup {
  port: number;
  /** `http://127.0.0.1:PORT` */
  upstream: string;
  /** The whole `Authorization` value a client must present. */
  inboundAuthorization: string;
  /** The `Authorization` value sent upstream instead. */
  outboundAuthorization: string;
  /**
   * For a proxy that supports it (the bare one): `upstream` is `https://…` and demands this client certificate;
   * its server certificate is checked against `ca`. PEM text.
   */
  clientCertificate?: { cert: string; key: string; ca: string };
}

/** The setup the harness sends right after forking; the process answers `{ listening: port }` once it serves. */
export async function receiveSetup(): Promise<PeerSetup> {
  const [setup] = (await once(process, 'message')) as [PeerSetup];
  process.on('disconnect', () => process.exit(0));
  return setup;
}

export function reportListening(port: number): void {
  process.send?.({ listening: port });
}

/** A constant-time check of the presented `Authorization` value (a digest each, so lengths never leak). */
export function basicCheck(expected: string): (presented: string | undefined) => boolean {
  const want = createHash('sha256').update(expected).digest();
  return (presented) => presented !== undefined && timingSafeEqual(createHash('sha256').update(presented).digest(), want);
}
