import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { ASSERTION_ALGORITHMS } from '../jose/algorithms.js';
import { UnauthorizedClient } from '../protocol/oauth-errors.js';
import { formParams, requireParam } from '../protocol/params.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import type { GrantsStore } from '../storage/ports.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import { findToken, type TokenSources } from '../tokens/find-token.js';
import type { Clock } from '../util/clock.js';

export interface RevokeOptions {
  issuer: string;
  metadata: ProviderMetadata;
  clientAuth: Pick<ClientAuthenticator, 'authenticate'>;
  tokenSources: TokenSources;
  grantsStore: Pick<GrantsStore, 'revoke'>;
  accessTokens: Pick<AccessTokens, 'revoke'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

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
export async function revokeEndpoint(app: FastifyInstance, options: RevokeOptions): Promise<void> {
  const { issuer, metadata, clientAuth, tokenSources, grantsStore, accessTokens, audit, clock } = options;
  const url = `${issuer}/revoke`;
  metadata.set('revocation_endpoint', url);
  metadata.set('revocation_endpoint_auth_signing_alg_values_supported', ASSERTION_ALGORITHMS);

  app.post('/revoke', async (request, reply) => {
    // §2.1: POST with form parameters, and client authentication.
    const params = formParams(request);
    const client = await clientAuth.authenticate(request, params, url);
    const token = requireParam(params, 'token');
    const found = await findToken(tokenSources, token, params.token_type_hint);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // §2.2: an invalid, unknown or already revoked token is not an error.
    if (!found) return reply.code(200).send();
    // §2.1: the token must have been issued to the client making the request.
    if (found.clientId !== client.clientId) {
      throw new UnauthorizedClient(
        'the token was not issued to this client',
        `${client.clientId} tried to revoke a token of ${found.clientId}`,
      );
    }
    if (found.type === 'refresh_token') {
      // §2.1: revoking a refresh token revokes the grant, and with it its access tokens.
      await grantsStore.revoke(found.record.grantId, clock.nowSeconds());
    } else {
      await accessTokens.revoke(found.info);
    }
    await audit.record({ type: 'token.revoked', clientId: client.clientId, address: request.ip, detail: { token_type: found.type } });
    return reply.code(200).send();
  });
}
