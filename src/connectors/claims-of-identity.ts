import type { UpstreamIdentity } from './upstream-identity.js';

/**
 * The OIDC Core §5.1 claims a user created from an upstream identity starts with. Empty values
 * are left out (Tessera's claims are never empty strings); `groups` is kept as a list.
 */
export function claimsOfIdentity(identity: UpstreamIdentity, options: { withEmail: boolean }): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const put = (name: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') claims[name] = value;
  };
  put('name', identity.name);
  put('given_name', identity.givenName);
  put('family_name', identity.familyName);
  put('picture', identity.picture);
  put('preferred_username', identity.username);
  if (options.withEmail && identity.email !== undefined && identity.email.trim() !== '') {
    claims.email = identity.email;
    claims.email_verified = identity.emailVerified;
  }
  if (identity.groups.length > 0) claims.groups = [...identity.groups];
  return claims;
}
