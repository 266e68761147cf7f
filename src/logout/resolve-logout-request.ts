import type { ClientRegistry } from '../clients/client-registry.js';
import type { Client } from '../clients/client.js';
import type { VerificationKeys } from '../jose/verify-own.js';
import type { Clock } from '../util/clock.js';
import type { Session } from '../session/sessions.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import { LOGOUT_PARAMS } from './read-logout-params.js';
import { verifyIdTokenHint, type IdTokenHint } from '../tokens/id-token-hint.js';

/** A logout request after the checks of RP-Initiated Logout §2-§3. */
export interface LogoutRequest {
  /** The logout parameters as received, carried through the confirmation form. */
  params: Params;
  hint?: IdTokenHint;
  /** The client asking, when the hint or client_id names one that exists. */
  client?: Client;
  /** post_logout_redirect_uri with `state`, only when it is registered for that client. */
  redirectTo?: string;
}

export interface ResolveLogoutDeps {
  issuer: string;
  /** To verify an id_token_hint. */
  keys: VerificationKeys;
  clients: Pick<ClientRegistry, 'find'>;
  clock: Clock;
}

/**
 * Checks a logout request. Problems that mean "someone is trying to redirect the person
 * somewhere unverified" are error pages (never a redirect): an id_token_hint that is not ours,
 * a client_id that contradicts it or does not exist, an unregistered post_logout_redirect_uri.
 * A post_logout_redirect_uri without any way to identify the client is simply not used.
 */
export async function resolveLogoutRequest(deps: ResolveLogoutDeps, raw: Params): Promise<LogoutRequest> {
  const params: Params = {};
  for (const name of LOGOUT_PARAMS) if (raw[name] !== undefined) params[name] = raw[name];

  let hint: IdTokenHint | undefined;
  if (params.id_token_hint !== undefined) {
    hint = await verifyIdTokenHint(deps.keys, deps.issuer, params.id_token_hint, deps.clock.nowSeconds());
    // §2: the OP must be able to trust the hint; alg none or a forged signature is refused.
    if (!hint) throw new InvalidRequestNoRedirect('id_token_hint is not an ID token issued by this server');
  }
  // §2: with both, client_id must be the client the ID token was issued to.
  if (hint && params.client_id !== undefined && params.client_id !== hint.clientId) {
    throw new InvalidRequestNoRedirect('client_id does not match the audience of id_token_hint');
  }
  const clientId = hint?.clientId ?? params.client_id;
  const client = clientId === undefined ? undefined : await deps.clients.find(clientId);
  if (params.client_id !== undefined && !client) throw new InvalidRequestNoRedirect('client_id is not a registered client');

  let redirectTo: string | undefined;
  const uri = params.post_logout_redirect_uri;
  // §2: without id_token_hint or client_id the URI cannot be checked, so it is not used.
  if (uri !== undefined && client) {
    // §3: only a URI registered for this client, compared as exact strings (a query added is a different URI).
    if (!client.metadata.post_logout_redirect_uris.includes(uri)) {
      throw new InvalidRequestNoRedirect('post_logout_redirect_uri is not registered for this client');
    }
    redirectTo = withState(uri, params.state);
  }
  return { params, hint, client, redirectTo };
}

/** §3: state goes back to the client unchanged, as a query parameter of the redirect. */
function withState(uri: string, state: string | undefined): string {
  if (state === undefined) return uri;
  const url = new URL(uri);
  url.searchParams.append('state', state);
  return url.toString();
}

/**
 * §2: logout without asking the person only when the hint shows that the client is
 * signing out this very session (same sid, or same user when the hint has no sid).
 * `subjectOf` gives the session user's `sub` as the hint's client knows it (public or
 * pairwise, OIDC Core §8); undefined when that client no longer exists.
 */
export function isHintOfSession(
  hint: IdTokenHint | undefined,
  session: Session,
  subjectOf: (userId: string) => string | undefined,
): boolean {
  if (!hint) return false;
  return hint.sid !== undefined ? hint.sid === session.sid : hint.sub === subjectOf(session.userId);
}
