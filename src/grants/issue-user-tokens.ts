import type { UserDirectory } from '../accounts/user-directory.js';
import type { Client } from '../clients/client.js';
import type { Config } from '../config/load-config.js';
import { GRANT_REFRESH_TOKEN, isPublicClient } from '../clients/client.js';
import { InvalidGrant } from '../protocol/oauth-errors.js';
import type { ClaimsRequest } from '../storage/ports.js';
import { userinfoClaimNames } from '../rules/release-policy.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import type { IdTokens } from '../tokens/id-tokens.js';
import type { RefreshTokens } from '../tokens/refresh-tokens.js';
import type { TokenResponse } from './grant-handler.js';

/** What issuing a user's tokens uses. */
export interface UserTokensDeps {
  /** The default access-token lifetime (ttl.accessToken). */
  config: { ttl: Pick<Config['ttl'], 'accessToken'> };
  users: Pick<UserDirectory, 'findById'>;
  accessTokens: Pick<AccessTokens, 'issue'>;
  idTokens: Pick<IdTokens, 'issue'>;
  refreshTokens: Pick<RefreshTokens, 'issue'>;
}

/** What a user grant (authorization code, refresh token, device code) knows when it issues tokens. */
export interface UserTokensRequest {
  client: Client;
  grantId: string;
  /** The end-user's `sub`. */
  userId: string;
  /** Granted scopes, space-separated. */
  scope: string;
  /** When the end-user authenticated (epoch seconds). */
  authTime: number;
  nonce?: string | null;
  acr?: string | null;
  amr?: string[] | null;
  sid?: string | null;
  /** OIDC Core §5.5 claims request, as stored with the code. */
  claims?: ClaimsRequest | null;
  /** RFC 8707 resources granted at /auth, space-separated: the refresh token keeps them all. */
  resource?: string | null;
  /** The one of them this access token is for (RFC 8707 §2.2); absent: the default audience. */
  audience?: string;
  /**
   * Refresh token grant only: the (rotated or kept) refresh token to return, instead of
   * issuing a new one. Other grants leave it out.
   */
  refreshToken?: string;
  /** RFC 9449 §5: the thumbprint of the token request's DPoP proof: the access token is bound to it. */
  dpopJkt?: string;
}

/**
 * The one place user grants turn an authorization into a token response (RFC 6749 §5.1,
 * OIDC Core §3.1.3.3): an access token, an ID token when `openid` was granted, and a refresh
 * token when `offline_access` was granted to a client allowed the refresh_token grant.
 */
export async function issueUserTokens(deps: UserTokensDeps, request: UserTokensRequest): Promise<TokenResponse> {
  const { client, scope } = request;
  const scopes = scope.split(' ').filter(Boolean);
  const user = await deps.users.findById(request.userId);
  if (!user) throw new InvalidGrant('the end-user of this authorization no longer exists', `user ${request.userId} not found`);
  if (user.disabledAt !== null) throw new InvalidGrant('the end-user of this authorization is disabled', `user ${request.userId} disabled`);
  const claimsRequest = request.claims ?? undefined;
  const userinfoClaims = userinfoClaimNames(claimsRequest);
  const amr = request.amr && request.amr.length > 0 ? request.amr : undefined;

  const accessToken = await deps.accessTokens.issue({
    client,
    userId: user.id,
    scope,
    audience: request.audience,
    grantId: request.grantId,
    ttl: client.metadata.access_token_ttl ?? deps.config.ttl.accessToken,
    dpopJkt: request.dpopJkt,
    extra: {
      authTime: request.authTime,
      acr: request.acr || undefined,
      amr,
      sid: request.sid || undefined,
      userinfoClaims: userinfoClaims.length > 0 ? userinfoClaims : undefined,
    },
  });
  // RFC 6749 §5.1: scope is the access token's, which holds only what belongs to its resource (RFC 8707).
  const response: TokenResponse = {
    access_token: accessToken.token,
    token_type: request.dpopJkt ? 'DPoP' : 'Bearer',
    expires_in: accessToken.expiresIn,
    scope: accessToken.scope,
  };

  // OIDC Core §3.1.3.3: an ID token whenever the openid scope was granted.
  if (scopes.includes('openid')) {
    response.id_token = await deps.idTokens.issue({
      client,
      userId: user.id,
      user,
      scope,
      authTime: request.authTime,
      nonce: request.nonce || undefined,
      acr: request.acr || undefined,
      amr,
      sid: request.sid || undefined,
      accessToken: accessToken.token,
      claimsRequest,
    });
  }

  if (request.refreshToken !== undefined) {
    response.refresh_token = request.refreshToken;
  } else if (scopes.includes('offline_access') && client.metadata.grant_types.includes(GRANT_REFRESH_TOKEN)) {
    // OIDC Core §11: offline_access is what asks for a refresh token.
    response.refresh_token = await deps.refreshTokens.issue({
      client,
      grantId: request.grantId,
      userId: user.id,
      scope,
      claims: request.claims,
      resource: request.resource,
      authTime: request.authTime,
      acr: request.acr,
      amr,
      sid: request.sid,
      // RFC 9449 §5: a public client's refresh token is bound to the DPoP key; a confidential client's is not (it authenticates).
      dpopJkt: isPublicClient(client) ? request.dpopJkt : undefined,
    });
  }
  return response;
}
