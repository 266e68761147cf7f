import { GRANT_CLIENT_CREDENTIALS, isPublicClient } from '../clients/client.js';
import { UnauthorizedClient } from '../protocol/oauth-errors.js';
import { allowedResources, checkResource, type ResourcePolicy } from '../rules/resource.js';
import { clientCredentialsScope, type KnownScopes } from '../rules/scope.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import type { GrantHandler } from './grant-handler.js';

export interface ClientCredentialsOptions {
  accessTokens: Pick<AccessTokens, 'issue'>;
  /** Scopes the provider offers: the limit of every client's `scope` metadata, and of clients without it. */
  scopes: KnownScopes;
  /** The audiences tokens may have (config accessTokens). */
  resourcePolicy: ResourcePolicy;
  /** Default access-token lifetime (config ttl.clientCredentialsAccessToken). */
  ttl: number;
}

/**
 * RFC 6749 §4.4: a confidential client asks for a token for itself. The token's subject is
 * the client (RFC 9068 §2.2); there is no end-user, so no ID token and no refresh token
 * (§4.4.3: a refresh token SHOULD NOT be included).
 */
export function clientCredentialsGrant(options: ClientCredentialsOptions): GrantHandler {
  return {
    grantType: GRANT_CLIENT_CREDENTIALS,
    async handle({ params, client, dpop }) {
      // §4.4: only confidential clients may use this grant.
      if (isPublicClient(client)) throw new UnauthorizedClient('a public client cannot use the client_credentials grant');
      // §4.4.2, §3.3: the requested scope, or the client's registered default; never beyond what it may have.
      const scope = clientCredentialsScope(params.scope, client, options.scopes);
      const audience = checkResource(params, allowedResources(client, options.resourcePolicy));
      const ttl = client.metadata.access_token_ttl ?? options.ttl;
      const issued = await options.accessTokens.issue({ client, scope, audience, ttl, dpopJkt: dpop?.jkt });
      return {
        access_token: issued.token,
        expires_in: issued.expiresIn,
        token_type: dpop ? 'DPoP' : 'Bearer',
        // §5.1: scope is returned so the client sees what it got (the walkthrough always shows it).
        ...(issued.scope ? { scope: issued.scope } : {}),
      };
    },
  } satisfies GrantHandler;
}
