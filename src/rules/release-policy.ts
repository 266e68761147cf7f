import type { ClaimsRequest, RememberedConsent } from '../storage/ports.js';

/**
 * What is released to a client about its user, and when the user must be asked first
 * (OIDC Core §3.1.2.4, §5.4, §5.5). Which scopes a client may be granted at all is
 * `allowedScopes` in scope.ts; this module decides everything after that:
 *
 * - A user claim is releasable only if it is one of the standard claims of a scope (§5.4) the
 *   client may be granted. A claims request (§5.5) can only narrow and shape within that: it
 *   never reaches a claim of a scope the client may not have, nor a claim outside the §5.4
 *   lists (operator-defined attributes are never released). The lists are §5.4's and one more
 *   scope, `groups`, releasing the `groups` claim (a list of names) that connectors fill.
 * - A requested claim outside the granted scopes needs the user's consent for that claim: the
 *   consent page lists it, and remembered consent records it. Without it, prompt=none answers
 *   consent_required (§3.1.2.6).
 * - Requested claims the client may not have are dropped at /auth, essential or not (§5.5.1:
 *   an essential claim the OP does not release is simply absent).
 * - Userinfo returns the claims of the granted scopes and the requested `userinfo` claims; the
 *   ID token the requested `id_token` claims, and the scope claims only when configured.
 */

/** OIDC Core §5.4: the claims each standard scope grants. */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
  // Not OIDC Core §5.4: the groups a user is in (LDAP groupSearch, an upstream's groups claim), as Dex and others name it.
  groups: ['groups'],
};

/** The scope whose §5.4 list holds each releasable claim. */
const CLAIM_SCOPE: ReadonlyMap<string, string> = new Map(
  Object.entries(SCOPE_CLAIMS).flatMap(([scope, claims]) => claims.map((claim) => [claim, scope] as const)),
);

/** Names the provider sets itself; a claims request cannot make user data take their place. */
const PROTOCOL_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  's_hash',
  'sid',
]);

/** An authorization request as far as consent is concerned. */
export interface ConsentRequest {
  scopes: string[];
  prompt: string[];
  /** The claims request, as `authorizedClaimsRequest` narrowed it. */
  claims?: ClaimsRequest;
}

/**
 * /auth, OIDC Core §5.5: the claims request limited to what the client may have. User claims
 * whose §5.4 scope is not in `allowedScopes`, and names outside the §5.4 lists, are dropped
 * (essential or not); protocol claims stay, they shape the response without releasing user
 * data. Undefined when nothing is left.
 */
export function authorizedClaimsRequest(request: ClaimsRequest | undefined, allowedScopes: ReadonlySet<string>): ClaimsRequest | undefined {
  if (!request) return undefined;
  const narrowed: ClaimsRequest = {};
  for (const target of ['userinfo', 'id_token'] as const) {
    const members = request[target];
    if (!members) continue;
    const kept = Object.entries(members).filter(([name]) => PROTOCOL_CLAIMS.has(name) || isAllowedClaim(name, allowedScopes));
    if (kept.length > 0) narrowed[target] = Object.fromEntries(kept);
  }
  return narrowed.userinfo || narrowed.id_token ? narrowed : undefined;
}

/** The user claims a request names beyond its granted scopes: each needs the user's consent. */
export function claimsBeyondScopes(request: { scopes: string[]; claims?: ClaimsRequest }): string[] {
  const names = new Set([...requestedClaims(request.claims, 'userinfo'), ...requestedClaims(request.claims, 'id_token')]);
  return [...names].filter((name) => !request.scopes.includes(CLAIM_SCOPE.get(name) ?? ''));
}

/**
 * OIDC Core §3.1.2.4: consent is asked unless remembered consent covers every scope and every
 * claim requested beyond the scopes, or prompt=consent asks again.
 */
export function consentNeeded(request: ConsentRequest, remembered: RememberedConsent): boolean {
  return (
    request.prompt.includes('consent') ||
    request.scopes.some((scope) => !remembered.scopes.includes(scope)) ||
    claimsBeyondScopes(request).some((claim) => !remembered.claims.includes(claim))
  );
}

/** What an Allow on the consent page adds to the user's remembered consent for the client. */
export function consentToRemember(request: { scopes: string[]; claims?: ClaimsRequest }): RememberedConsent {
  return { scopes: request.scopes, claims: claimsBeyondScopes(request) };
}

/**
 * The claim names a claims request asks userinfo to return (§5.5 `userinfo` member). They are
 * recorded with the access token when it is issued, for `userinfoClaims` to release later.
 */
export function userinfoClaimNames(claimsRequest: ClaimsRequest | null | undefined): string[] {
  return requestedClaims(claimsRequest, 'userinfo');
}

/** OIDC Core §5.3.2: userinfo returns the claims of the granted scopes (§5.4) and those `userinfoClaimNames` recorded. */
export function userinfoClaims(userClaims: Record<string, unknown>, scopes: string[], requested: string[]): Record<string, unknown> {
  return release(userClaims, scopes, requested);
}

/**
 * The user claims an ID token carries: those of the claims request's `id_token` member (§5.5),
 * and the claims of the granted scopes only when `includeScopeClaims` is configured (§5.4:
 * they belong to userinfo).
 */
export function idTokenClaims(
  userClaims: Record<string, unknown>,
  scopes: string[],
  claimsRequest: ClaimsRequest | null | undefined,
  includeScopeClaims: boolean,
): Record<string, unknown> {
  return release(userClaims, includeScopeClaims ? scopes : [], requestedClaims(claimsRequest, 'id_token'));
}

/** What the consent page says of a claim asked for on its own: the claim's name in plain words. */
export function describeClaim(name: string): string {
  return CLAIM_DESCRIPTIONS[name] ?? name.replace(/_/g, ' ');
}

const CLAIM_DESCRIPTIONS: Record<string, string> = {
  email: 'Your email address',
  email_verified: 'Whether your email address is verified',
  phone_number: 'Your phone number',
  phone_number_verified: 'Whether your phone number is verified',
  address: 'Your postal address',
  name: 'Your name',
  preferred_username: 'Your username',
  birthdate: 'Your date of birth',
};

function isAllowedClaim(name: string, allowedScopes: ReadonlySet<string>): boolean {
  const scope = CLAIM_SCOPE.get(name);
  return scope !== undefined && allowedScopes.has(scope);
}

/** The user claims requested for one target (§5.5: `userinfo` or `id_token`), protocol claims left out. */
function requestedClaims(request: ClaimsRequest | null | undefined, target: 'userinfo' | 'id_token'): string[] {
  const members = request?.[target];
  return members ? Object.keys(members).filter((name) => !PROTOCOL_CLAIMS.has(name)) : [];
}

/**
 * The claims of `userClaims` named by the scopes' §5.4 lists and by `requested`. `requested`
 * was narrowed and consented at /auth; only §5.4 claims are ever released, whatever a stored
 * request names.
 */
function release(userClaims: Record<string, unknown>, scopes: string[], requested: string[]): Record<string, unknown> {
  const names = new Set<string>(requested.filter((name) => CLAIM_SCOPE.has(name)));
  for (const scope of scopes) for (const claim of SCOPE_CLAIMS[scope] ?? []) names.add(claim);
  const out: Record<string, unknown> = {};
  for (const name of names) if (userClaims[name] !== undefined) out[name] = userClaims[name];
  return out;
}
