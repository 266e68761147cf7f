import type { ClaimsRequest } from '../storage/ports.js';

/**
 * What is released to a client about its user, and when the user must be asked first
 * (OIDC Core §3.1.2.4, §5.4, §5.5). Which scopes a client may be granted at all is
 * `allowedScopes` in scope.ts; this module decides, for the granted scopes and a claims
 * request, which user claims go to userinfo and the ID token, and whether remembered consent
 * covers a request. The policy: a claim named in a claims request is released whenever the
 * user has it, and consent is asked and remembered per scope.
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
};

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

/** OIDC Core §3.1.2.4: consent is asked unless remembered consent covers every scope, or prompt=consent asks again. */
export function consentNeeded(request: { scopes: string[]; prompt: string[] }, remembered: string[]): boolean {
  return request.prompt.includes('consent') || request.scopes.some((scope) => !remembered.includes(scope));
}

/** What an Allow on the consent page adds to the user's remembered consent for the client. */
export function consentToRemember(request: { scopes: string[] }): string[] {
  return request.scopes;
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

/** The user claims requested for one target (§5.5: `userinfo` or `id_token`), protocol claims left out. */
function requestedClaims(request: ClaimsRequest | null | undefined, target: 'userinfo' | 'id_token'): string[] {
  const members = request?.[target];
  return members ? Object.keys(members).filter((name) => !PROTOCOL_CLAIMS.has(name)) : [];
}

/** The claims of `userClaims` named by the scopes' §5.4 lists and by `requested`. */
function release(userClaims: Record<string, unknown>, scopes: string[], requested: string[]): Record<string, unknown> {
  const names = new Set<string>(requested);
  for (const scope of scopes) for (const claim of SCOPE_CLAIMS[scope] ?? []) names.add(claim);
  const out: Record<string, unknown> = {};
  for (const name of names) if (userClaims[name] !== undefined) out[name] = userClaims[name];
  return out;
}
