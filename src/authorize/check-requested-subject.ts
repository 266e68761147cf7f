import { InvalidRequest, LoginRequired } from '../protocol/oauth-errors.js';
import type { ClaimsRequest } from '../storage/ports.js';

/**
 * The user a request names, if any: the `sub` of its id_token_hint (OIDC Core §3.1.2.1) or the
 * value its claims request asks for the ID token's `sub` (§5.5.1: the server "MUST only send a
 * positive response if the End-User identified by that sub value has an active session ... or
 * has been Authenticated as a result of the request"). Only that user may get a positive answer;
 * two different names can never both be satisfied, so that request is login_required at once.
 */
export function checkRequestedSubject(hintSub: string | undefined, claims: ClaimsRequest | undefined): string | undefined {
  const sub = claims?.id_token?.sub;
  let claimsSub: string | undefined;
  if (sub !== null && typeof sub === 'object' && 'value' in sub) {
    const value = (sub as { value: unknown }).value;
    if (typeof value !== 'string' || value === '') throw new InvalidRequest('claims.id_token.sub.value must be a non-empty string');
    claimsSub = value;
  }
  if (hintSub !== undefined && claimsSub !== undefined && hintSub !== claimsSub) {
    throw new LoginRequired('id_token_hint and claims.id_token.sub.value name different users');
  }
  return hintSub ?? claimsSub;
}
