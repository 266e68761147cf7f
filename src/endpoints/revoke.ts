import type { FastifyInstance } from 'fastify';
import type { Provider } from '../provider.js';
import { ASSERTION_ALGORITHMS } from '../jose/algorithms.js';
import { UnauthorizedClient } from '../protocol/oauth-errors.js';
import { formParams, requireParam } from '../protocol/params.js';
import { findToken } from '../tokens/find-token.js';

/**
 * RFC 7009 token revocation. Confidential clients authenticate as at the token endpoint;
 * public clients identify themselves with `client_id` (§2.1 allows revocation by clients
 * without credentials) and may revoke only their own tokens, like everyone else.
 *
 * A token issued to another client is refused with 400 unauthorized_client and stays valid
 * (§2.1: "the request is refused"; the RFC leaves the code open). `token_type_hint` only
 * orders the search, whatever its value: Tessera can revoke every token type it issues, so
 * it never answers unsupported_token_type (§2.2.1).
 */
export async function revokeEndpoint(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  const url = `${provider.config.issuer}/revoke`;
  provider.metadata.set('revocation_endpoint', url);
  provider.metadata.set('revocation_endpoint_auth_signing_alg_values_supported', ASSERTION_ALGORITHMS);
  const sources = { accessTokens: provider.accessTokens, refreshTokens: provider.refreshTokens };

  app.post('/revoke', async (request, reply) => {
    // §2.1: POST with form parameters, and client authentication.
    const params = formParams(request);
    const client = await provider.clientAuth.authenticate(request, params, url);
    const token = requireParam(params, 'token');
    const found = await findToken(sources, token, params.token_type_hint);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // §2.2: an invalid, unknown or already revoked token is not an error.
    if (!found) return reply.code(200).send();
    // §2.1: the token must have been issued to the client making the request.
    if (found.clientId !== client.clientId) {
      throw new UnauthorizedClient('the token was not issued to this client', `${client.clientId} tried to revoke a token of ${found.clientId}`);
    }
    if (found.type === 'refresh_token') {
      // §2.1: revoking a refresh token revokes the grant, and with it its access tokens.
      await provider.grantsStore.revoke(found.record.grantId, provider.clock.nowSeconds());
    } else {
      await provider.accessTokens.revoke(found.info);
    }
    await provider.audit.record({ type: 'token.revoked', clientId: client.clientId, address: request.ip, detail: { token_type: found.type } });
    return reply.code(200).send();
  });
}
