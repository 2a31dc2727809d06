// gateway:*, tryit:* and security:* — the running gateway: its status and restart, a request sent through it,
// and the checks that do once what the gateway does for each request (fetch an OAuth token, use a certificate).
import { gatewayDownReason } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import type { AppContext, DomainHandlers } from './app-context';
import { sendTryIt } from './try-it';
import { watchCapturedAnswer } from './captured-answer';
import { saveToChosenFile, type ChooseSaveFile } from './save-file';
import { checkCaCertificates, checkCertificate, fetchTokenOnce } from './security-checks';

export async function startGateway(ctx: AppContext): Promise<void> {
  try {
    await ctx.supervisor.start(ctx.workspace);
  } catch {
    // The status (state 'failed' or 'restarting', with lastError) already tells the user why.
  }
}

export async function restartGateway(ctx: AppContext): Promise<void> {
  await ctx.supervisor.stop();
  await startGateway(ctx);
}

export function gatewayHandlers(ctx: AppContext, chooseSaveFile?: ChooseSaveFile): DomainHandlers<'gateway' | 'tryit' | 'security'> {
  const { supervisor } = ctx;
  /** The last Try it answer's bytes, for "Save body": kept in main, replaced by the next send. */
  let lastTryItBody: Buffer | undefined;
  return {
    'gateway:status': async () => supervisor.status,
    'gateway:restart': async () => {
      await restartGateway(ctx);
      return supervisor.status;
    },
    'tryit:send': async (request) => {
      const url = supervisor.status.url;
      if (supervisor.status.state !== 'running' || !url) throw new UserFacingError('GATEHOUSE_GATEWAY_NOT_RUNNING', gatewayDownReason(supervisor.status));
      const captured = watchCapturedAnswer(supervisor);
      try {
        const result = await sendTryIt(url, request, { onConnected: (port) => captured.connected(port) });
        lastTryItBody = result.bytes;
        const shown = await captured.body();
        return { ...result.response, ...shown };
      } finally {
        captured.stop();
      }
    },
    'tryit:save-body': async () => {
      if (!lastTryItBody) throw new UserFacingError('GATEHOUSE_NOTHING_TO_SAVE', 'send a request first: there is no response body to save');
      return saveToChosenFile(chooseSaveFile, { title: 'Save response body', defaultName: 'response-body' }, lastTryItBody);
    },
    'security:fetch-token': ({ service, environment }) => fetchTokenOnce(ctx.workspace, ctx.vault, service, environment),
    'security:check-certificate': async ({ crt, key }) => checkCertificate(crt, key),
    'security:check-ca': async ({ pem }) => checkCaCertificates(pem),
  };
}
