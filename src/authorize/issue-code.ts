import type { Session } from '../session/sessions.js';
import type { AuthorizationCodesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { FAPI_CODE_LIFETIME } from '../rules/fapi-profile.js';

export interface IssueCodeDeps {
  codes: Pick<AuthorizationCodesStore, 'issue'>;
  ttl: {
    /** Seconds a code may be redeemed (config.ttl.authorizationCode). */
    authorizationCode: number;
    /** Seconds the grant lives: no refresh token of it outlives it (config.ttl.grant). */
    grant: number;
  };
  clock: Clock;
}

/**
 * Creates the grant and its authorization code (RFC 6749 §4.1.2): 256 random bits, stored
 * only as a hash, short-lived (ttl.authorizationCode), bound to the client, the redirect_uri as
 * sent and the PKCE challenge. Both are stored together, with the session's sign-in to the
 * client (for back-channel logout), or not at all. Returns the code.
 */
export async function issueCode(deps: IssueCodeDeps, request: AuthorizationRequest, session: Session): Promise<string> {
  const now = deps.clock.nowSeconds();
  const grantId = randomToken(16);
  const scope = request.scopes.join(' ');
  const code = randomToken(32);
  await deps.codes.issue(
    {
      id: grantId,
      userId: session.userId,
      clientId: request.clientId,
      scope,
      sid: session.sid,
      createdAt: now,
      expiresAt: now + deps.ttl.grant,
      revokedAt: null,
    },
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
      // FAPI 2.0: codes of FAPI clients live at most 60 seconds, whatever ttl.authorizationCode says.
      expiresAt: now + (request.fapi ? Math.min(deps.ttl.authorizationCode, FAPI_CODE_LIFETIME) : deps.ttl.authorizationCode),
      consumedAt: null,
      dpopJkt: request.dpopJkt ?? null,
    },
  );
  return code;
}
