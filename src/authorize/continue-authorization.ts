import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { Client, ClientMetadata } from '../clients/client.js';
import { AccessDenied, ConsentRequired, LoginRequired } from '../protocol/oauth-errors.js';
import { scopesForPerson } from '../rules/admin-scopes.js';
import { loginUrl } from '../session/login-url.js';
import type { Session } from '../session/sessions.js';
import { claimsBeyondScopes, consentNeeded, describeClaim } from '../rules/release-policy.js';
import type { ConsentsStore } from '../storage/ports.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { authorizationResponse, type AuthorizationResponse } from './authorization-response.js';
import { issueCode, type IssueCodeDeps } from './issue-code.js';
import { checkSignedInUser } from './check-signed-in-user.js';
import { loginReason } from './login-reason.js';
import type { PendingRequests } from './pending-request.js';
import { resumePath } from './resume-path.js';
import { assuranceLevel } from '../authn/assurance.js';
import { enrolledFactors, hasSecondFactor, type MfaMethods } from '../authn/enrolled-factors.js';
import { requiredAssurance, type AssurancePolicy } from './required-assurance.js';
import { enrollUrl, stepUpUrl } from '../session/login-url.js';

/** What the consent page shows: which app, for which scopes, to whom, and the sealed request. */
export interface ConsentView {
  /** The sealed pending request, bound to the session that is shown the page. */
  interaction: string;
  client: ClientMetadata;
  /** Scope name → what it means, in plain words. */
  scopes: { name: string; description: string }[];
  /** Claims asked for one by one beyond those scopes (OIDC Core §5.5), each with what it is. */
  claims: { name: string; description: string }[];
  username: string;
}

/** Where an authorization request goes next; the route turns it into a 303 or a page. */
export type AuthorizationDecision =
  /** The person must sign in: the sign-in page, which comes back to the resume route. */
  | { kind: 'login'; url: string }
  /** Start the request over from the resume route (the session changed under the consent page). */
  | { kind: 'resume'; url: string }
  | { kind: 'consent'; view: ConsentView }
  | { kind: 'respond'; response: AuthorizationResponse };

export interface ContinueAuthorizationDeps extends IssueCodeDeps {
  issuer: string;
  users: Pick<UserDirectory, 'findById'>;
  consents: Pick<ConsentsStore, 'find'>;
  /** Scopes this provider knows, with what the consent page says of each. */
  scopes: ReadonlyMap<string, string>;
  pendingRequests: Pick<PendingRequests, 'seal'>;
  /** ACR names and the global MFA policy. */
  assurance: AssurancePolicy;
  /** The second factors on offer, to know what a person can step up with. */
  mfa: MfaMethods;
  /** The `sub` this client knows the signed-in user by, to compare with id_token_hint and claims sub (OIDC Core §8). */
  subjects: Pick<SubjectIdentifiers, 'forClient'>;
}

/**
 * After validation: sign-in, then consent, then the code (OIDC Core §3.1.2.3 - §3.1.2.5).
 * With prompt=none no page may be shown, so a needed page becomes login_required or
 * consent_required instead (§3.1.2.6).
 */
export async function continueAuthorization(
  deps: ContinueAuthorizationDeps,
  asked: AuthorizationRequest,
  client: Client,
  current: Session | undefined,
): Promise<AuthorizationDecision> {
  let session = current;
  const user = session && (await deps.users.findById(session.userId));
  if (!user) session = undefined;

  // The request names the user in the client's own terms (a pairwise sub, §8): compare in those.
  const sessionSub = session && deps.subjects.forClient(client, session.userId);
  const reason = loginReason(asked, session, sessionSub, deps.clock.nowSeconds());
  if (reason || !session || !user) {
    if (asked.prompt.includes('none')) throw new LoginRequired('the person must sign in', reason);
    const next = { ...asked, staleSignIn: session?.signInId ?? '' };
    // Only the client's own login_hint prefills the form: an id_token_hint never puts the
    // user's login name into a URL (anyone holding an ID token could read it there).
    return { kind: 'login', url: loginUrl(deps.issuer, resumePath(deps.pendingRequests.seal(next)), asked.loginHint) };
  }
  checkSignedInUser(asked, sessionSub ?? session.userId);
  // The admin API's scopes go to people who hold the admin role, and to no one else.
  const pending = grantableToPerson(asked, user.roles);

  // Step-up: the request needs more assurance than this sign-in has (acr_values, an essential
  // acr claim, the client's or the global MFA policy).
  const need = requiredAssurance(pending, client, deps.assurance);
  if (assuranceLevel(session.methods) < need.level) {
    const factors = await enrolledFactors(deps.mfa, session.userId);
    const canStepUp = hasSecondFactor(factors);
    if (canStepUp || need.mandatory) {
      if (pending.prompt.includes('none')) throw new LoginRequired('the request needs a stronger sign-in than the session has');
      const back = resumePath(deps.pendingRequests.seal({ ...pending, staleSignIn: session.signInId }));
      // A person with a second factor gives it; one without sets one up first (a must only).
      return { kind: 'login', url: canStepUp ? stepUpUrl(deps.issuer, back) : enrollUrl(deps.issuer, back) };
    }
    // acr_values are voluntary (OIDC Core §3.1.2.1): without a second factor the sign-in is what it is, and its acr says so.
  }

  const remembered = await deps.consents.find(session.userId, client.clientId);
  if (consentNeeded(pending, remembered)) {
    // OIDC Core §3.1.2.6: no page with prompt=none, for scopes and claims alike.
    if (pending.prompt.includes('none')) throw new ConsentRequired('the person has not allowed this application these scopes or claims');
    return {
      kind: 'consent',
      view: {
        interaction: deps.pendingRequests.seal(pending, session.sid),
        client: client.metadata,
        scopes: pending.scopes.map((name) => ({ name, description: deps.scopes.get(name) ?? name })),
        claims: claimsBeyondScopes(pending).map((name) => ({ name, description: describeClaim(name) })),
        username: user.username,
      },
    };
  }

  const code = await issueCode(deps, pending, session);
  return { kind: 'respond', response: authorizationResponse(pending, deps.issuer, { code }) };
}

/**
 * RFC 6749 §3.3: the server may grant fewer scopes than asked. The admin API's scopes are
 * dropped for a person without the admin role; when nothing is left the answer is access_denied.
 */
function grantableToPerson(request: AuthorizationRequest, roles: readonly string[]): AuthorizationRequest {
  const scopes = scopesForPerson(request.scopes, roles);
  if (scopes.length === request.scopes.length) return request;
  if (scopes.length === 0) throw new AccessDenied('only administrators may be granted the admin API scopes');
  return { ...request, scopes };
}
