import type { FederatedIdentitiesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { UpstreamIdentity } from './upstream-identity.js';

export type LinkOutcome = 'linked' | 'already-linked' | 'linked-elsewhere';

/**
 * Links an upstream identity to a user who proved they own the account (signed in to it, then
 * signed in upstream in the same browser): the only way an identity joins an existing account.
 * An identity linked to someone else stays theirs.
 */
export async function linkIdentity(
  deps: { federatedIdentities: Pick<FederatedIdentitiesStore, 'find' | 'link'>; clock: Clock },
  userId: string,
  identity: UpstreamIdentity,
  tokensEncrypted: string | null,
): Promise<LinkOutcome> {
  const now = deps.clock.nowSeconds();
  const linked = await deps.federatedIdentities.link({
    connectorId: identity.connectorId,
    upstreamSubject: identity.subject,
    userId,
    upstreamUsername: identity.username ?? null,
    email: identity.email ?? null,
    tokensEncrypted,
    createdAt: now,
    lastUsedAt: now,
  });
  if (linked) return 'linked';
  const existing = await deps.federatedIdentities.find(identity.connectorId, identity.subject);
  return existing?.userId === userId ? 'already-linked' : 'linked-elsewhere';
}
