import type { Provider } from '../provider.js';
import type { Session } from '../session/sessions.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import type { AuthorizationRequest } from './authorization-request.js';

/**
 * Creates the grant and its authorization code (RFC 6749 §4.1.2): 256 random bits, stored
 * only as a hash, short-lived (config.ttl.authorizationCode), bound to the client, the
 * redirect_uri as sent and the PKCE challenge. Both are stored together, with the session's
 * sign-in to the client (for back-channel logout), or not at all. Returns the code.
 */
export async function issueCode(provider: Provider, request: AuthorizationRequest, session: Session): Promise<string> {
  const now = provider.clock.nowSeconds();
  const grantId = randomToken(16);
  const scope = request.scopes.join(' ');
  const code = randomToken(32);
  await provider.codes.issue(
    { id: grantId, userId: session.userId, clientId: request.clientId, scope, sid: session.sid, createdAt: now, expiresAt: now + provider.config.ttl.refreshToken, revokedAt: null },
    {
      codeHash: hashToken(code),
      grantId,
      clientId: request.clientId,
      userId: session.userId,
      redirectUri: request.redirectUriParam,
      scope,
      nonce: request.nonce ?? null,
      codeChallenge: request.codeChallenge ?? null,
      codeChallengeMethod: request.codeChallengeMethod ?? null,
      claims: request.claims ?? null,
      resource: request.resource ?? null,
      authTime: session.authTime,
      acr: session.acr,
      amr: session.amr,
      sid: session.sid,
      createdAt: now,
      expiresAt: now + provider.config.ttl.authorizationCode,
      consumedAt: null,
    },
  );
  return code;
}
