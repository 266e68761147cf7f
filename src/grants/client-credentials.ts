import { GRANT_CLIENT_CREDENTIALS, isPublicClient, type Client } from '../clients/client.js';
import { InvalidScope, InvalidTarget, UnauthorizedClient } from '../http/oauth-errors.js';
import type { Params } from '../http/params.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import type { GrantHandler } from './grant-handler.js';

export interface ClientCredentialsOptions {
  accessTokens: AccessTokens;
  /** Scopes the provider knows: the limit for clients without `scope` metadata. */
  scopes: Map<string, string>;
  /** Default access-token lifetime (config ttl.clientCredentialsAccessToken). */
  ttl: number;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * RFC 6749 §4.4: a confidential client asks for a token for itself. The token's subject is
 * the client (RFC 9068 §2.2); there is no end-user, so no ID token and no refresh token
 * (§4.4.3: a refresh token SHOULD NOT be included).
 */
export function clientCredentialsGrant(options: ClientCredentialsOptions): GrantHandler {
  return {
    grantType: GRANT_CLIENT_CREDENTIALS,
    async handle({ params, client }) {
      // §4.4: only confidential clients may use this grant.
      if (isPublicClient(client)) throw new UnauthorizedClient('a public client cannot use the client_credentials grant');
      const scope = grantedScope(params, client, options.scopes);
      const audience = resourceIndicator(params);
      const ttl = client.metadata.access_token_ttl ?? options.ttl;
      const issued = await options.accessTokens.issue({ client, scope, audience, ttl });
      return {
        access_token: issued.token,
        expires_in: issued.expiresIn,
        token_type: 'Bearer',
        // §5.1: scope is returned so the client sees what it got (the walkthrough always shows it).
        ...(scope ? { scope } : {}),
      };
    },
  };
}

/** §4.4.2, §3.3: the requested scope, or the client's registered default; never beyond what it may have. */
function grantedScope(params: Params, client: Client, known: Map<string, string>): string {
  const registered = client.metadata.scope?.split(' ').filter(Boolean);
  if (params.scope === undefined) return (registered ?? []).join(' ');
  const requested = params.scope.split(' ').filter(Boolean);
  if (requested.length === 0 || requested.some((s) => !SCOPE_TOKEN.test(s))) throw new InvalidScope('scope must be space-separated scope tokens');
  const allowed = registered ?? [...known.keys()];
  const refused = requested.filter((s) => !allowed.includes(s));
  // §5.2: invalid_scope when the scope exceeds what the client was granted.
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  return [...new Set(requested)].join(' ');
}

/** RFC 8707 §2: `resource` is an absolute URI without a fragment; it becomes the token's audience. */
function resourceIndicator(params: Params): string | undefined {
  const resource = params.resource;
  if (resource === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(resource);
  } catch {
    url = undefined;
  }
  if (!url || resource.includes('#')) throw new InvalidTarget('resource must be an absolute URI without a fragment');
  return resource;
}
