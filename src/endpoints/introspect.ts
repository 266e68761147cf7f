import type { FastifyInstance } from 'fastify';
import type { Provider } from '../provider.js';
import { isPublicClient, type Client } from '../clients/client.js';
import { ASSERTION_ALGORITHMS } from '../jose/algorithms.js';
import { InvalidClient } from '../protocol/oauth-errors.js';
import { formParams, requireParam } from '../protocol/params.js';
import { findToken, type FoundToken } from '../tokens/find-token.js';

/**
 * RFC 7662 token introspection. Callers must authenticate as confidential clients.
 *
 * Visibility rule: a client sees a token issued to it (its `client_id`), or an access token
 * whose audience includes its `client_id` (a resource server registered as a client under
 * the URI it uses as `resource`). Any other token answers `{"active": false}`, exactly as an
 * unknown one would (§2.2), so a caller learns nothing about tokens that are not its business.
 */
export async function introspectEndpoint(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  const url = `${provider.config.issuer}/introspect`;
  provider.metadata.set('introspection_endpoint', url);
  provider.metadata.set('introspection_endpoint_auth_signing_alg_values_supported', ASSERTION_ALGORITHMS);
  const sources = { accessTokens: provider.accessTokens, refreshTokens: provider.refreshTokens };

  app.post('/introspect', async (request, reply) => {
    // §2.1: POST with form parameters.
    const params = formParams(request);
    // §2.1: the endpoint MUST require authorization; a public client has no credential to show.
    const client = await provider.clientAuth.authenticate(request, params, url);
    if (isPublicClient(client)) throw new InvalidClient('introspection requires client authentication', `public client ${client.clientId}`);
    const token = requireParam(params, 'token');
    const found = await findToken(sources, token, params.token_type_hint);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // §2.2: anything inactive or not visible is {"active": false} and nothing more.
    if (!found || !visibleTo(found, client)) return { active: false };
    return describe(provider, found);
  });
}

function visibleTo(found: FoundToken, client: Client): boolean {
  if (found.clientId === client.clientId) return true;
  if (found.type !== 'access_token') return false;
  const aud = found.info.aud;
  return Array.isArray(aud) ? aud.includes(client.clientId) : aud === client.clientId;
}

/** §2.2: the members of an active token's description. */
async function describe(provider: Provider, found: FoundToken): Promise<Record<string, unknown>> {
  const iss = provider.config.issuer;
  if (found.type === 'access_token') {
    const { info } = found;
    return {
      active: true,
      ...(info.scope ? { scope: info.scope } : {}),
      client_id: info.clientId,
      ...(await username(provider, info.userId)),
      token_type: 'Bearer',
      exp: info.exp,
      iat: info.iat,
      sub: info.sub,
      aud: info.aud,
      iss,
      jti: info.jti,
    };
  }
  const { record } = found;
  return {
    active: true,
    ...(record.scope ? { scope: record.scope } : {}),
    client_id: record.clientId,
    ...(await username(provider, record.userId)),
    token_type: 'refresh_token',
    exp: record.expiresAt,
    iat: record.createdAt,
    sub: record.userId,
    iss,
  };
}

async function username(provider: Provider, userId: string | undefined): Promise<{ username?: string }> {
  if (!userId) return {};
  const user = await provider.users.findById(userId);
  return user ? { username: user.username } : {};
}
