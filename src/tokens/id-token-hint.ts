import { verifyOwnJwt, type VerificationKeys } from '../jose/verify-own.js';

/** What a verified id_token_hint says. */
export interface IdTokenHint {
  sub: string;
  /** The client the ID token was issued to (`aud`, or `azp` with several audiences). */
  clientId: string;
  sid?: string;
}

/**
 * OIDC Core §3.1.2.1 and RP-Initiated Logout §2: an id_token_hint is an ID token this OP
 * issued, trusted only when its signature verifies with one of our keys (chosen by `kid`), its
 * `iss` is ours and it has the shape of an ID token: never an access or logout token. An
 * expired one is still a good hint (RP-Initiated Logout §4). Anything else is undefined.
 */
export async function verifyIdTokenHint(
  keys: VerificationKeys,
  issuer: string,
  hint: string,
  now: number,
): Promise<IdTokenHint | undefined> {
  const claims = await verifyOwnJwt(hint, keys, { issuer, kind: 'id', now, allowExpired: true });
  if (!claims) return undefined;
  const { aud } = claims;
  // OIDC Core §2: azp names the client when the token has several audiences.
  const clientId = typeof aud === 'string' ? aud : aud.length === 1 ? aud[0] : claims.azp;
  if (typeof clientId !== 'string') return undefined;
  return { sub: claims.sub, clientId, sid: typeof claims.sid === 'string' ? claims.sid : undefined };
}
