import { LoginRequired } from '../protocol/oauth-errors.js';
import type { AuthorizationRequest } from './authorization-request.js';

/**
 * OIDC Core §3.1.2.1 id_token_hint: "If the End-User identified by the ID Token is logged in or
 * is logged in by the request, then the Authorization Server returns a positive response;
 * otherwise, it SHOULD return an error, such as login_required." Before a sign-in a mismatch
 * asks for one (loginReason); once the person has signed in as someone else, the answer is
 * login_required, never a code for the other user. `sessionSub` is the signed-in user's `sub`
 * as this client knows it (public or pairwise, OIDC Core §8).
 */
export function checkSignedInUser(request: AuthorizationRequest, sessionSub: string): void {
  if (request.expectedSub !== undefined && request.expectedSub !== sessionSub) {
    throw new LoginRequired('the person signed in as another user than the one the request names (id_token_hint or claims sub)');
  }
}
