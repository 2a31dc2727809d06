// A client certificate and key typed into a form are checked by main as the gateway will read them (the key must
// belong to the certificate, the certificate be valid now) before anything is saved: the gateway would otherwise
// leave the saved item out, or fail every token fetch with it. Every form that takes a pair asks here.
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';

/** One problem with the pair: `pem` names the PEM at fault (`crt` or `key`); undefined when main names neither. */
export interface CertificatePairProblem {
  pem: 'crt' | 'key' | undefined;
  message: string;
}

export async function certificatePairProblems(crt: string, key: string): Promise<CertificatePairProblem[]> {
  try {
    await gatehouse().invoke('security:check-certificate', { crt, key });
    return [];
  } catch (error) {
    const failure = toFailure(error);
    if (failure.errors.length === 0) return [{ pem: undefined, message: failure.message }];
    return failure.errors.map((e) => ({ pem: e.path === 'key' ? 'key' : e.path === 'crt' ? 'crt' : undefined, message: e.message }));
  }
}
