import type { AuditLog } from '../audit/audit-log.js';
import type { ConsentsStore, GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';

export interface RevokeApplicationDeps {
  consents: Pick<ConsentsStore, 'find' | 'forget'>;
  grantsStore: Pick<GrantsStore, 'revokeAllOfUserAndClient'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/**
 * The person takes back what they allowed an app: the remembered consent goes (the app must ask
 * again), and every grant of this user to this app is revoked with its refresh tokens and its
 * access tokens, opaque or JWT (a JWT of a user grant is refused once its grant is revoked:
 * tokens/access-tokens.ts verify). False, and nothing changed, when the user never allowed the app.
 */
export async function revokeApplication(deps: RevokeApplicationDeps, userId: string, clientId: string, address?: string): Promise<boolean> {
  const consent = await deps.consents.find(userId, clientId);
  if (consent.scopes.length === 0 && consent.claims.length === 0) return false;
  await deps.consents.forget(userId, clientId);
  const revokedGrants = await deps.grantsStore.revokeAllOfUserAndClient(userId, clientId, deps.clock.nowSeconds());
  await deps.audit.record({ type: 'consent.revoked', userId, clientId, address, detail: { by: 'user', revoked_grants: revokedGrants } });
  return true;
}
