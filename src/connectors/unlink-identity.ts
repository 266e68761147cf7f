import type { FederatedIdentitiesStore, PasskeysStore } from '../storage/ports.js';

export type UnlinkOutcome = 'unlinked' | 'last-way-in' | 'not-linked';

export interface UnlinkDeps {
  federatedIdentities: Pick<FederatedIdentitiesStore, 'listOfUser' | 'unlink'>;
  users: { hasPassword(userId: string): Promise<boolean> };
  passkeys: Pick<PasskeysStore, 'listOfUser'>;
  /** Ids of the connectors configured now (every type): a link to a removed one is no way in. */
  configuredConnectors: ReadonlySet<string>;
}

/**
 * Removes one of the user's links, unless it is their last way in: with no password, no
 * passkey and no other link, nobody could sign in to the account again.
 */
export async function unlinkIdentity(
  deps: UnlinkDeps,
  userId: string,
  connectorId: string,
  upstreamSubject: string,
): Promise<UnlinkOutcome> {
  const links = await deps.federatedIdentities.listOfUser(userId);
  const unlinking = links.find((l) => l.connectorId === connectorId && l.upstreamSubject === upstreamSubject);
  if (!unlinking) return 'not-linked';
  const otherWayIn =
    links.some((l) => l !== unlinking && deps.configuredConnectors.has(l.connectorId)) ||
    (await deps.users.hasPassword(userId)) ||
    (await deps.passkeys.listOfUser(userId)).length > 0;
  if (!otherWayIn) return 'last-way-in';
  return (await deps.federatedIdentities.unlink(userId, connectorId, upstreamSubject)) ? 'unlinked' : 'not-linked';
}
