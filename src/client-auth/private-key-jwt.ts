import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type CryptoKey,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type KeyObject,
} from 'jose';
import type { Client } from '../clients/client.js';
import { InvalidClient } from '../protocol/oauth-errors.js';
import type { UsedJtisStore } from '../storage/ports.js';
import type { ClientAuthMethod } from './client-auth-method.js';
import type { ClientJwks } from './client-jwks.js';
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

type PublicKey = CryptoKey | KeyObject;

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

      let keys = await matchingKeys(await clientKeys(client, options.jwks, fail), header);
      const uri = client.metadata.jwks_uri;
      if (keys.length === 0 && uri) {
        // The client may have rotated its keys since we cached them: fetch once more.
        const fresh = await options.jwks.refetch(uri).catch((err: Error) => {
          throw fail(`jwks_uri could not be fetched: ${err.message}`);
        });
        if (fresh) keys = await matchingKeys(fresh, header);
      }
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

async function clientKeys(client: Client, cache: ClientJwks, fail: (detail: string) => InvalidClient): Promise<JSONWebKeySet> {
  if (client.metadata.jwks) return client.metadata.jwks as JSONWebKeySet;
  if (!client.metadata.jwks_uri) throw fail('the client has neither jwks nor jwks_uri');
  try {
    return await cache.get(client.metadata.jwks_uri);
  } catch (err) {
    throw fail(`jwks_uri could not be fetched: ${(err as Error).message}`);
  }
}

/** The keys of the set that fit the header's kid, alg and use (several when no kid narrows it). */
async function matchingKeys(jwks: JSONWebKeySet, header: JWSHeaderParameters): Promise<PublicKey[]> {
  try {
    return [(await createLocalJWKSet(jwks)(header, undefined as never)) as PublicKey];
  } catch (err) {
    if (err instanceof errors.JWKSMultipleMatchingKeys) {
      const keys: PublicKey[] = [];
      for await (const key of err as unknown as AsyncIterable<PublicKey>) keys.push(key);
      return keys;
    }
    // No match, an invalid set, or a key that cannot be imported: nothing to verify with.
    if (err instanceof errors.JOSEError || err instanceof TypeError) return [];
    throw err;
  }
}
