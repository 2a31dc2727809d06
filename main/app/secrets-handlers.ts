// secrets:* and vault:* — the vault behind the Secrets screen. Values leave main only through secrets:reveal.
import { Mutex } from 'async-mutex';
import type { SecretSummary } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import { SessionVault } from '../services/vault';
import { secretNameTaken } from '../../gateway/config/secret-names';
import { applyAsSaveResult, applyToGateway, describeVaultStatus, type AppContext, type DomainHandlers } from './app-context';
import { storeCheckedSecrets } from './secret-checks';
import { mergedSecret } from './secret-updates';

/** Values never leave main in a list: the mask says a value is there, not how long it is. */
const MASK = '••••••••';

export function secretsHandlers(ctx: AppContext): DomainHandlers<'secrets' | 'vault'> {
  // An update reads the stored secret, then writes it merged (or refuses a new one under a taken name): two at once
  // would both read before either wrote, so one's keys were lost, or two "new" secrets of one name both written
  // (the keychain has no create-if-absent). One at a time, each reads what the one before wrote.
  const updates = new Mutex();
  return {
    'secrets:list': async () => {
      const list = await ctx.vault.list();
      return list.map((s): SecretSummary => ({ name: s.name, namespace: s.namespace, keys: s.keys.map((key) => ({ key, masked: MASK })) }));
    },
    'secrets:set': async (secret) => {
      await storeCheckedSecrets(ctx.vault, [secret]);
      return applyAsSaveResult(ctx);
    },
    'secrets:update': async ({ createOnly, ...update }) => {
      const ref = update.namespace ? { name: update.name, namespace: update.namespace } : { name: update.name };
      await updates.runExclusive(async () => {
        const stored = await ctx.vault.get(ref);
        // A new secret never merges into one of the same name: the keys it sets would change the stored secret's users.
        if (createOnly && stored) {
          const message = secretNameTaken(ref);
          throw new UserFacingError('GATEHOUSE_SECRET_EXISTS', message, [{ path: 'name', message }]);
        }
        await storeCheckedSecrets(ctx.vault, [mergedSecret(stored, update)]);
      });
      return applyAsSaveResult(ctx);
    },
    'secrets:delete': async (ref) => {
      await ctx.vault.delete(ref);
      await applyToGateway(ctx);
      return { ok: true };
    },
    'secrets:reveal': async ({ key, ...ref }) => {
      const secret = await ctx.vault.get(ref);
      const value = secret?.data[key];
      if (value === undefined) throw new UserFacingError('GATEHOUSE_NO_SUCH_SECRET', `secret "${ref.name}" has no key "${key}"`);
      return { value };
    },
    'vault:status': async () => {
      // Asked again each time: the keychain can go away (or come back) while the app runs.
      if (ctx.vault.mode === 'keychain') ctx.vaultStatus = describeVaultStatus(await ctx.vault.probe());
      return ctx.vaultStatus;
    },
    'vault:use-session-only': async () => {
      if (ctx.vault.mode !== 'session-only') {
        ctx.vault = new SessionVault();
        ctx.vaultStatus = { mode: 'session-only', reason: 'chosen by the user: secrets are kept in memory and lost on quit' };
      }
      return ctx.vaultStatus;
    },
  };
}
