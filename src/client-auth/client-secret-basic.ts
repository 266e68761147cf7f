import { InvalidClient } from '../protocol/oauth-errors.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { ClientAuthMethod } from './client-auth-method.js';

/** RFC 6749 §2.3.1: HTTP Basic with the client id and secret; secret checked in constant time. */
export function clientSecretBasic(registry: ClientRegistry): ClientAuthMethod {
  return {
    name: 'client_secret_basic',
    async verify(presented, client) {
      if (!presented.secret || !registry.checkSecret(client, presented.secret)) {
        throw new InvalidClient('client authentication failed', 'wrong client secret', true);
      }
      if (registry.secretExpired(client)) {
        throw new InvalidClient('the client secret has expired', undefined, true);
      }
    },
  };
}
