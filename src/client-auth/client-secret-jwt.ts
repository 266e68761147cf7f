import type { ClientRegistry } from '../clients/client-registry.js';
import { InvalidClient } from '../http/oauth-errors.js';
import type { UsedJtisStore } from '../storage/used-jtis-store.js';
import type { ClientAuthMethod } from './client-auth-method.js';
import { verifyClientAssertion } from './verify-client-assertion.js';

export const HMAC_ASSERTION_ALGS = ['HS256', 'HS384', 'HS512'];

export interface ClientSecretJwtOptions {
  registry: ClientRegistry;
  usedJtis: UsedJtisStore;
  issuer: string;
  tokenEndpoint: string;
}

/**
 * OIDC Core §9 client_secret_jwt: an RFC 7523 assertion signed with HMAC under the client
 * secret, which is kept encrypted (not hashed) for this reason.
 */
export function clientSecretJwt(options: ClientSecretJwtOptions): ClientAuthMethod {
  return {
    name: 'client_secret_jwt',
    async verify(presented, client, endpointUrl) {
      const fail = (detail: string) => new InvalidClient('client authentication failed', detail);
      if (!presented.assertion) throw fail('no client assertion');
      const secret = options.registry.recoverSecret(client);
      if (!secret) throw fail(`client ${client.clientId} has no recoverable secret`);
      if (client.secretExpiresAt && client.secretExpiresAt < Date.now() / 1000) throw new InvalidClient('the client secret has expired');
      const registered = client.metadata.token_endpoint_auth_signing_alg;
      // OIDC Registration §2: token_endpoint_auth_signing_alg, when registered, is the only one accepted.
      const algorithms = registered ? HMAC_ASSERTION_ALGS.filter((a) => a === registered) : HMAC_ASSERTION_ALGS;
      await verifyClientAssertion({
        assertion: presented.assertion,
        client,
        audiences: [options.issuer, options.tokenEndpoint, endpointUrl],
        algorithms,
        keys: [new TextEncoder().encode(secret)],
        usedJtis: options.usedJtis,
        method: 'client_secret_jwt',
      });
    },
  };
}
