import { SignJWT } from 'jose';
import type { Client } from '../clients/client.js';
import type { KeySet } from '../keys/key-set.js';
import type { SigningAlgorithm } from '../keys/generate-signing-key.js';
import { nowSeconds } from '../storage/database.js';
import { randomToken } from '../util/random.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Lifetime of a logout token: long enough for retries, short enough to be useless later. */
const LOGOUT_TOKEN_TTL = 120;

/**
 * Back-Channel Logout §2.4: a signed JWT with iss, aud, iat, exp, jti, the logout event,
 * and sid and sub (both, so that backchannel_logout_session_required clients get sid).
 * It never carries a nonce (§2.4), and its type is logout+jwt (§2.4, RFC 8725 §3.11).
 */
export async function signLogoutToken(keys: KeySet, issuer: string, client: Client, session: { sid: string; userId: string }): Promise<string> {
  // §2.4: signed like the client's ID tokens.
  const wanted = (client.metadata.id_token_signed_response_alg || 'RS256') as SigningAlgorithm;
  const key = keys.algorithms().includes(wanted) ? keys.signingKey(wanted) : keys.signingKey('RS256');
  const now = nowSeconds();
  return new SignJWT({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, sid: session.sid })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'logout+jwt' })
    .setIssuer(issuer)
    .setSubject(session.userId)
    .setAudience(client.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + LOGOUT_TOKEN_TTL)
    .setJti(randomToken(16))
    .sign(key.privateKey);
}
