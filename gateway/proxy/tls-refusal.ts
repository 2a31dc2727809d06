// A backend that refused the gateway's TLS handshake: it sent a TLS alert (its own OpenSSL, Go or Java said no, in
// TLS 1.3 often only once the gateway had finished its side and written the request), or it ended the connection
// before the handshake was done (Node's servers refuse a client certificate they do not trust so, with no alert).
// Neither is a lost idle connection: the same request on a new connection meets the same refusal, so it is not
// sent again, and the backend was reached, so it is not "unreachable". Plain words, never a secret.

/** How the handshake was refused, and whether the gateway had a client certificate to present. */
export interface TlsRefusal {
  /** OpenSSL's code for the alert (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`), or the connection's (`ECONNRESET`). */
  readonly code: string;
  /** Whether the gateway presents a client certificate on that connection; undefined where not known. */
  readonly clientCertificate?: boolean;
}

// Node's codes for an alert the peer sent: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE, ERR_SSL_TLSV1_ALERT_UNKNOWN_CA,
// ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED. The gateway's own refusal of a server certificate has other codes
// (server-certificate-codes.ts).
const RECEIVED_ALERT = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/;

/** Alerts about the client's certificate (RFC 8446 §6.2): sent by a server that did not accept it, or got none. */
const CLIENT_CERTIFICATE_ALERTS = new Set(['BAD_CERTIFICATE', 'UNSUPPORTED_CERTIFICATE', 'CERTIFICATE_REVOKED', 'CERTIFICATE_EXPIRED', 'CERTIFICATE_UNKNOWN', 'UNKNOWN_CA', 'ACCESS_DENIED']);

const NOTED = Symbol('tlsRefusal');

/** Marks `error` as the failure of a connection whose handshake the backend refused (tls-refusal-connector.ts). */
export function noteTlsRefusal(error: unknown, refusal: TlsRefusal): void {
  if (typeof error === 'object' && error !== null) (error as { [NOTED]?: TlsRefusal })[NOTED] = refusal;
}

/** The refusal behind a failed call: noted on its error by the pool's connector, or the error is an alert itself. */
export function tlsRefusal(error: unknown): TlsRefusal | undefined {
  const noted = (error as { [NOTED]?: TlsRefusal } | undefined)?.[NOTED];
  if (noted !== undefined) return noted;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && RECEIVED_ALERT.test(code) ? { code } : undefined;
}

/** Whether `code` is Node's for a TLS alert the peer sent. */
export function isReceivedTlsAlert(code: string): boolean {
  return RECEIVED_ALERT.test(code);
}

/**
 * Why, in words, where the alert says: `it asked for a client certificate and none was sent`, `it did not accept the
 * client certificate`; undefined for any other alert. In TLS 1.2 OpenSSL's servers answer a missing client
 * certificate with a bare handshake_failure, hence the hint when the gateway sent none.
 */
export function tlsAlertReason(code: string, clientCertificate?: boolean): string | undefined {
  const alert = RECEIVED_ALERT.exec(code)?.[1];
  if (alert === undefined) return undefined;
  if (alert === 'CERTIFICATE_REQUIRED' || (clientCertificate === false && CLIENT_CERTIFICATE_ALERTS.has(alert))) return 'it asked for a client certificate and none was sent';
  if (CLIENT_CERTIFICATE_ALERTS.has(alert)) return 'it did not accept the client certificate';
  if (alert === 'HANDSHAKE_FAILURE' && clientCertificate === false) return 'no client certificate was sent, which it may require';
  return undefined;
}

/** What the backend did, said of it: `refused the TLS handshake: it did not accept the client certificate`. */
export function tlsRefusalWords(refusal: TlsRefusal): string {
  if (!isReceivedTlsAlert(refusal.code)) {
    return refusal.clientCertificate ? 'ended the connection during the TLS handshake, after the client certificate was sent: it may not accept it' : 'ended the connection during the TLS handshake';
  }
  const reason = tlsAlertReason(refusal.code, refusal.clientCertificate);
  return reason === undefined ? 'refused the TLS handshake' : `refused the TLS handshake: ${reason}`;
}
