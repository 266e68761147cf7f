import type { Provider } from '../provider.js';
import type { Session } from '../interaction/sessions.js';
import { nowSeconds } from '../storage/database.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import type { AuthorizationRequest } from './authorization-request.js';

/**
 * Creates the grant and its authorization code (RFC 6749 §4.1.2): 256 random bits, stored
 * only as a hash, short-lived (config.ttl.authorizationCode), bound to the client, the
 * redirect_uri as sent and the PKCE challenge. Returns the code for the response.
 */
export async function issueCode(provider: Provider, request: AuthorizationRequest, session: Session): Promise<string> {
  const now = nowSeconds();
  const grantId = randomToken(16);
  const scope = request.scopes.join(' ');
  await provider.grantsStore.insert({
    id: grantId,
    user_id: session.userId,
    client_id: request.clientId,
    scope,
    sid: session.sid,
    created_at: now,
    expires_at: now + provider.config.ttl.refreshToken,
    revoked_at: null,
  });
  const code = randomToken(32);
  await provider.codes.insert({
    code_hash: hashToken(code),
    grant_id: grantId,
    client_id: request.clientId,
    user_id: session.userId,
    redirect_uri: request.redirectUriParam,
    scope,
    nonce: request.nonce ?? null,
    code_challenge: request.codeChallenge ?? null,
    code_challenge_method: request.codeChallengeMethod ?? null,
    claims: request.claims ?? null,
    resource: request.resource ?? null,
    auth_time: session.authTime,
    acr: session.acr,
    amr: JSON.stringify(session.amr),
    sid: session.sid,
    created_at: now,
    expires_at: now + provider.config.ttl.authorizationCode,
    consumed_at: null,
  });
  // Remembered for back-channel logout: which clients this browser session signed in to.
  await provider.sessions.addClient(session.sid, request.clientId);
  return code;
}
