import type { User } from '../accounts/user.js';
import type { FederatedIdentitiesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { UpstreamIdentity } from './upstream-identity.js';
import { claimsOfIdentity } from './claims-of-identity.js';

export type UpstreamSignIn =
  | { kind: 'signed-in'; user: User; created: boolean }
  /**
   * - disabled: the linked user is disabled by the operator;
   * - not-provisioned: no link, and the connector does not create users;
   * - account-exists: no link, and a local account already has this verified email (or, for a
   *   username-keyed connector, this username): linking needs that account's own sign-in.
   */
  | { kind: 'refused'; reason: 'disabled' | 'not-provisioned' | 'account-exists' };

/** The users the resolver reads and creates (UserDirectory implements it). */
export interface FederatedUsers {
  findById(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  /** Creates a user with no usable password, under `username` or, when taken, a free variant of it. */
  createWithoutPassword(username: string, claims: Record<string, unknown>): Promise<User>;
  deleteById(id: string): Promise<boolean>;
}

export interface ResolveDeps {
  users: FederatedUsers;
  federatedIdentities: Pick<FederatedIdentitiesStore, 'find' | 'link' | 'recordUse'>;
  clock: Clock;
}

export interface ResolveOptions {
  /** Create a user on the first sign-in of an unlinked identity (`connectors[].provision`, default true). */
  provision: boolean;
  /** What a local account is recognised by: a verified email (OIDC, OAuth 2.0) or the username (LDAP). */
  matchBy?: 'email' | 'username';
  /** The upstream's tokens, already sealed, when the connector keeps them (`storeTokens`); null otherwise. */
  tokensEncrypted?: string | null;
}

/**
 * Finds the Tessera user an upstream identity signs in as (contracts.md, issue 14):
 * 1. a link (connector, subject) finds its user, whatever the upstream's email says now;
 * 2. without a link and with provisioning on, an existing local account with the same verified
 *    email (or username) is never linked automatically: refused, its owner links it after
 *    signing in to it;
 * 3. otherwise a new user is created, with no password, and linked. Two first sign-ins racing
 *    both create; the one whose link loses deletes its user and signs in as the winner's.
 */
export async function resolveUpstreamUser(deps: ResolveDeps, identity: UpstreamIdentity, options: ResolveOptions): Promise<UpstreamSignIn> {
  const linked = await signInThroughLink(deps, identity, options);
  if (linked) return linked;
  if (!options.provision) return { kind: 'refused', reason: 'not-provisioned' };
  if (await localAccountClaims(deps.users, identity, options.matchBy ?? 'email')) return { kind: 'refused', reason: 'account-exists' };

  // An unverified email is kept only when no account has it: it must not shadow anyone's address.
  const emailTaken = identity.email !== undefined && (await deps.users.findByEmail(identity.email)) !== undefined;
  const user = await deps.users.createWithoutPassword(usernameFor(identity), claimsOfIdentity(identity, { withEmail: !emailTaken }));
  const now = deps.clock.nowSeconds();
  const won = await deps.federatedIdentities.link({
    connectorId: identity.connectorId,
    upstreamSubject: identity.subject,
    userId: user.id,
    upstreamUsername: identity.username ?? null,
    email: identity.email ?? null,
    tokensEncrypted: options.tokensEncrypted ?? null,
    createdAt: now,
    lastUsedAt: now,
  });
  if (won) return { kind: 'signed-in', user, created: true };
  await deps.users.deleteById(user.id);
  return (await signInThroughLink(deps, identity, options)) ?? { kind: 'refused', reason: 'not-provisioned' };
}

async function signInThroughLink(
  deps: ResolveDeps,
  identity: UpstreamIdentity,
  options: ResolveOptions,
): Promise<UpstreamSignIn | undefined> {
  const link = await deps.federatedIdentities.find(identity.connectorId, identity.subject);
  if (!link) return undefined;
  const user = await deps.users.findById(link.userId);
  if (!user) return undefined;
  if (user.disabledAt !== null) return { kind: 'refused', reason: 'disabled' };
  await deps.federatedIdentities.recordUse(identity.connectorId, identity.subject, {
    upstreamUsername: identity.username ?? null,
    email: identity.email ?? null,
    tokensEncrypted: options.tokensEncrypted ?? link.tokensEncrypted,
    now: deps.clock.nowSeconds(),
  });
  return { kind: 'signed-in', user, created: false };
}

/** Whether a local account already stands for this person: never by an unverified email. */
async function localAccountClaims(users: FederatedUsers, identity: UpstreamIdentity, matchBy: 'email' | 'username'): Promise<boolean> {
  if (matchBy === 'username') return identity.username !== undefined && (await users.findByUsername(identity.username)) !== undefined;
  return identity.emailVerified && identity.email !== undefined && (await users.findByEmail(identity.email)) !== undefined;
}

/** The new user's username: the upstream's, else the email, else connector and subject (made unique on insert). */
function usernameFor(identity: UpstreamIdentity): string {
  const candidate = identity.username ?? identity.email ?? `${identity.connectorId}-${identity.subject}`;
  // eslint-disable-next-line no-control-regex -- usernames have no spaces or control characters
  const cleaned = candidate.replace(/[\s\x00-\x1f]+/g, '-').slice(0, 80);
  return cleaned || `${identity.connectorId}-user`;
}
