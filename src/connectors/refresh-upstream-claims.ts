import type { User } from '../accounts/user.js';
import { claimsOfIdentity } from './claims-of-identity.js';
import type { UpstreamIdentity } from './upstream-identity.js';

/** What refreshing a user's claims reads and writes (UserDirectory implements it). */
export interface ClaimsUpdater {
  findByEmail(email: string): Promise<User | undefined>;
  updateClaims(id: string, claims: Record<string, unknown>): Promise<User | undefined>;
}

/** The claims an upstream identity fills: on each sign-in they follow the upstream (a group left, a new name). */
const UPSTREAM_CLAIMS = ['name', 'given_name', 'family_name', 'picture', 'preferred_username', 'groups'];

/**
 * A linked user's claims brought up to date with what the upstream says now; claims it does not
 * speak to (set by the operator or on the account page) are kept. The email follows too, unless
 * another user has that address (then the old one stays). Written only when something changed.
 */
export async function refreshUpstreamClaims(users: ClaimsUpdater, user: User, identity: UpstreamIdentity): Promise<User> {
  const owner = identity.email === undefined ? undefined : await users.findByEmail(identity.email);
  const emailFree = identity.email !== undefined && (owner === undefined || owner.id === user.id);
  const fresh = claimsOfIdentity(identity, { withEmail: emailFree });
  const claims: Record<string, unknown> = { ...user.claims };
  for (const name of UPSTREAM_CLAIMS) {
    if (fresh[name] === undefined) delete claims[name];
    else claims[name] = fresh[name];
  }
  if (emailFree) {
    claims.email = fresh.email;
    claims.email_verified = fresh.email_verified;
  }
  if (JSON.stringify(claims) === JSON.stringify(user.claims)) return user;
  return (await users.updateClaims(user.id, claims)) ?? user;
}
