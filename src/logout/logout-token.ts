import type { Client } from '../clients/client.js';
import { signJwt } from '../jose/sign.js';
import { signingKeyFor, type SigningKeySource } from '../jose/signing-key-for.js';
import { randomToken } from '../util/random.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Lifetime of a logout token: long enough for retries, short enough to be useless later. */
const LOGOUT_TOKEN_TTL = 120;

/**
 * Back-Channel Logout §2.4: a signed JWT with iss, aud, iat, exp, jti, the logout event,
 * and sid and sub (both, so that backchannel_logout_session_required clients get sid).
 * It never carries a nonce (§2.4), and its type is logout+jwt (§2.4, RFC 8725 §3.11).
 */
export async function signLogoutToken(
  keys: SigningKeySource,
  issuer: string,
  client: Client,
  /** The session, with its user's `sub` as this client knows it (public or pairwise, OIDC Core §8). */
  session: { sid: string; sub: string },
  now: number,
): Promise<string> {
  // §2.4: signed like the client's ID tokens.
  const key = await signingKeyFor(keys, client.metadata.id_token_signed_response_alg);
  return signJwt(key, 'logout+jwt', {
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sid: session.sid,
    iss: issuer,
    sub: session.sub,
    aud: client.clientId,
    iat: now,
    exp: now + LOGOUT_TOKEN_TTL,
    jti: randomToken(16),
  });
}
