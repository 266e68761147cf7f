import type { GrantsStore } from '../storage/ports.js';

/**
 * The tokens that die with a browser session: every grant made in it, with its refresh and access
 * tokens, except those with offline_access, which was asked for precisely to outlive the session
 * (OIDC Core §11). Logout, the account page and `tessera users sessions revoke` all end sessions
 * by this one rule. Returns how many grants it revoked.
 */
export async function revokeSessionGrants(
  grantsStore: Pick<GrantsStore, 'findBySid' | 'revoke'>,
  sid: string,
  now: number,
): Promise<number> {
  let revoked = 0;
  for (const grant of await grantsStore.findBySid(sid)) {
    if (grant.revokedAt !== null || grant.scope.split(' ').includes('offline_access')) continue;
    await grantsStore.revoke(grant.id, now);
    revoked++;
  }
  return revoked;
}
