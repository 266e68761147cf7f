import { decodeProtectedHeader, type JWSHeaderParameters } from 'jose';
import { InvalidClient } from '../protocol/oauth-errors.js';
import type { UsedJtisStore } from '../storage/ports.js';
import type { ClientAuthMethod } from './client-auth-method.js';
import { clientKeysFor, type ClientJwks } from './client-jwks.js';
import { acceptedAudiences, verifyClientAssertion } from './verify-client-assertion.js';
import { ASYMMETRIC_ASSERTION_ALGORITHMS, assertionAlgorithms } from '../jose/algorithms.js';
import type { Clock } from '../util/clock.js';

export interface PrivateKeyJwtOptions {
  usedJtis: UsedJtisStore;
  jwks: ClientJwks;
  issuer: string;
  tokenEndpoint: string;
  clock: Clock;
  /** Accept the token endpoint URL as `aud` too (`clientAuthentication.acceptTokenEndpointAudience`). */
  acceptTokenEndpointAudience: boolean;
}

/**
 * OIDC Core §9 private_key_jwt: an RFC 7523 assertion signed with a key from the client's
 * registered `jwks` or `jwks_uri`.
 */
export function privateKeyJwt(options: PrivateKeyJwtOptions): ClientAuthMethod {
  return {
    name: 'private_key_jwt',
    async verify(presented, client) {
      const fail = (detail: string) => new InvalidClient('client authentication failed', `private_key_jwt ${client.clientId}: ${detail}`);
      if (!presented.assertion) throw fail('no client assertion');
      const algorithms = assertionAlgorithms(ASYMMETRIC_ASSERTION_ALGORITHMS, client.metadata.token_endpoint_auth_signing_alg);
      let header: JWSHeaderParameters;
      try {
        header = decodeProtectedHeader(presented.assertion);
      } catch {
        throw fail('unreadable header');
      }
      if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) throw fail(`alg ${String(header.alg)} is not accepted`);

      const keys = await clientKeysFor(client.metadata, options.jwks, header).catch((err: Error) => {
        throw fail(err.message);
      });
      if (keys.length === 0) throw fail(`no key matches kid ${String(header.kid)} and alg ${header.alg}`);

      await verifyClientAssertion({
        assertion: presented.assertion,
        client,
        audiences: acceptedAudiences(options),
        algorithms,
        keys,
        usedJtis: options.usedJtis,
        method: 'private_key_jwt',
        now: options.clock.nowSeconds(),
      });
    },
  };
}
