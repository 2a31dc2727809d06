// Whether a client address, as Node reports it (`socket.remoteAddress`), is this machine's own.

/**
 * 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (`::ffff:127.x.x.x`, how a dual-stack listener reports an
 * IPv4 client). Node writes these addresses in one normal form (lowercase, dotted IPv4), so text prefixes suffice.
 */
export function isLoopbackAddress(address: string): boolean {
  if (address === '::1') return true;
  const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return ipv4.startsWith('127.');
}
