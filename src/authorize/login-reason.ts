import type { Session } from '../session/sessions.js';
import type { AuthorizationRequest } from './authorization-request.js';

/**
 * Why the person must sign in before this request can continue, or undefined when the
 * session will do (OIDC Core §3.1.2.3): no session; prompt=login or select_account (§3.1.2.1);
 * max_age=0; an authentication older than max_age; an id_token_hint naming someone else.
 * A sign-in completed after the request asked for one always satisfies it.
 */
export function loginReason(
  request: AuthorizationRequest,
  session: Session | undefined,
  /** The signed-in user's `sub` as this client knows it (public or pairwise). */
  sessionSub: string | undefined,
  now: number,
): string | undefined {
  if (!session) return 'the person is not signed in';
  if (request.staleSignIn !== undefined)
    return session.signInId === request.staleSignIn ? 'the person has not signed in again yet' : undefined;
  if (request.prompt.includes('login')) return 'prompt=login asks for a fresh sign-in';
  if (request.prompt.includes('select_account')) return 'prompt=select_account asks the person to choose an account';
  // §3.1.2.1 (errata set 2): "max_age=0 is equivalent to prompt=login", however recent the session.
  if (request.maxAge === 0) return 'max_age=0 asks for a fresh sign-in';
  // §3.1.2.1 max_age: re-authenticate when the last authentication is older.
  if (request.maxAge !== undefined && now - session.authTime > request.maxAge) return 'the last sign-in is older than max_age';
  if (request.expectedSub !== undefined && request.expectedSub !== sessionSub)
    return 'the request (id_token_hint or claims sub) names another user than the one signed in';
  return undefined;
}
