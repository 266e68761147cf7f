import type { ClientRegistry } from '../clients/client-registry.js';
import { InvalidClient } from '../protocol/oauth-errors.js';
import type { UsedJtisStore } from '../storage/ports.js';
import type { ClientAuthMethod } from './client-auth-method.js';
import { acceptedAudiences, verifyClientAssertion } from './verify-client-assertion.js';
import { assertionAlgorithms, HMAC_ASSERTION_ALGORITHMS } from '../jose/algorithms.js';
import type { Clock } from '../util/clock.js';

export interface ClientSecretJwtOptions {
  registry: ClientRegistry;
  usedJtis: UsedJtisStore;
  issuer: string;
  tokenEndpoint: string;
  clock: Clock;
  /** Accept the token endpoint URL as `aud` too (`clientAuthentication.acceptTokenEndpointAudience`). */
  acceptTokenEndpointAudience: boolean;
}

/**
 * OIDC Core §9 client_secret_jwt: an RFC 7523 assertion signed with HMAC under the client
 * secret, which is kept encrypted (not hashed) for this reason.
 */
export function clientSecretJwt(options: ClientSecretJwtOptions): ClientAuthMethod {
  return {
    name: 'client_secret_jwt',
    async verify(presented, client) {
      const fail = (detail: string) => new InvalidClient('client authentication failed', detail);
      if (!presented.assertion) throw fail('no client assertion');
      const secret = options.registry.recoverSecret(client);
      if (!secret) throw fail(`client ${client.clientId} has no recoverable secret`);
      if (options.registry.secretExpired(client)) throw new InvalidClient('the client secret has expired');
      await verifyClientAssertion({
        assertion: presented.assertion,
        client,
        audiences: acceptedAudiences(options),
        algorithms: assertionAlgorithms(HMAC_ASSERTION_ALGORITHMS, client.metadata.token_endpoint_auth_signing_alg),
        keys: [new TextEncoder().encode(secret)],
        usedJtis: options.usedJtis,
        method: 'client_secret_jwt',
        now: options.clock.nowSeconds(),
      });
    },
  };
}
