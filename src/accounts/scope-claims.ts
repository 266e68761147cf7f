/** OIDC Core §5.4: the claims each standard scope grants. */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  profile: [
    'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
    'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** What a person reads on the consent page for each scope. */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in and know who you are',
  profile: 'See your name and basic profile',
  email: 'See your email address',
  address: 'See your postal address',
  phone: 'See your phone number',
  offline_access: 'Stay connected while you are away (keep access until you revoke it)',
};

/** The claims of `user` that the granted scopes (and an OIDC §5.5 claims request) release. */
export function claimsFor(userClaims: Record<string, unknown>, scopes: string[], requested: string[] = []): Record<string, unknown> {
  const names = new Set<string>(requested);
  for (const scope of scopes) for (const claim of SCOPE_CLAIMS[scope] ?? []) names.add(claim);
  const out: Record<string, unknown> = {};
  for (const name of names) if (userClaims[name] !== undefined) out[name] = userClaims[name];
  return out;
}
