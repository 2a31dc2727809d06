// A credential in a secret that the gateway cannot send as it stands (Basic credentials RFC 7617 cannot carry, an
// OAuth client id or secret with no UTF-8 form). Found when the config is compiled, so the service is refused, or
// left out in the app with a link to the secret and key to fix, instead of every request failing without a cause.
import { GatehouseError } from '../errors/gatehouse-error';

export abstract class CredentialValueError extends GatehouseError {
  constructor(
    /** Who uses the credential, as the configuration names it (`service "erp"`); empty when not yet known. */
    readonly usedBy: string,
    readonly secret: string,
    /** The key to fix (Basic: the username key when both are empty). */
    readonly key: string,
    /** What is wrong with the value, naming the secret and key (never the value). */
    readonly detail: string,
  ) {
    super(usedBy ? `${usedBy}: ${detail}` : detail);
  }
}
