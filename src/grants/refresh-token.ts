import { GRANT_REFRESH_TOKEN } from '../clients/client.js';
import { InvalidGrant } from '../protocol/oauth-errors.js';
import { requireParam } from '../protocol/params.js';
import { narrowToGranted } from '../rules/scope.js';
import { resourceForToken, type ResourcePolicy } from '../rules/resource.js';
import type { RefreshTokens } from '../tokens/refresh-tokens.js';
import type { GrantHandler } from './grant-handler.js';
import { issueUserTokens, type UserTokensDeps } from './issue-user-tokens.js';

export interface RefreshTokenGrantDeps extends UserTokensDeps {
  refreshTokens: Pick<RefreshTokens, 'find' | 'rotate' | 'issue'>;
  /** The audiences tokens may have (config accessTokens). */
  resourcePolicy: ResourcePolicy;
}

/**
 * RFC 6749 §6: a refresh token for a new access token (and, with openid, a new ID token with
 * the same sub and auth_time, OIDC Core §12.2). Rotation and reuse detection live in
 * `RefreshTokens`.
 */
export function refreshTokenGrant(deps: RefreshTokenGrantDeps): GrantHandler {
  return {
    grantType: GRANT_REFRESH_TOKEN,
    async handle({ params, client, dpop }) {
      const token = requireParam(params, 'refresh_token');
      const record = await deps.refreshTokens.find(token, client);
      // RFC 9449 §5: a refresh token bound to a DPoP key (a public client's) needs a proof made with that key.
      if (record.dpopJkt && record.dpopJkt !== dpop?.jkt)
        throw new InvalidGrant('the refresh token is bound to another DPoP key', dpop ? 'DPoP key mismatch' : 'no DPoP proof');
      const scope = narrowToGranted(record.scope, params.scope);
      // RFC 8707 §2.2: one of the resources granted at /auth (or the default audience), else invalid_target.
      const audience = resourceForToken(params, record.resource, deps.resourcePolicy);
      // Checked before rotation, so a refused request leaves the token usable.
      const refreshToken = await deps.refreshTokens.rotate(token, record, client);
      return issueUserTokens(deps, {
        client,
        grantId: record.grantId,
        userId: record.userId,
        scope,
        authTime: record.authTime,
        // OIDC Core §12.2: no nonce in an ID token issued on refresh.
        acr: record.acr,
        amr: record.amr,
        sid: record.sid,
        claims: record.claims,
        resource: record.resource,
        audience,
        // §6: the new refresh token keeps the original scope; only this response is narrowed.
        refreshToken,
        dpopJkt: dpop?.jkt,
      });
    },
  } satisfies GrantHandler;
}
