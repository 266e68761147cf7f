import type { Provider } from '../provider.js';
import type { DeviceCodeRecord } from '../storage/device-codes-store.js';
import type { Session } from './sessions.js';
import { nowSeconds } from '../storage/database.js';
import { randomToken } from '../util/random.js';

/**
 * Records the person's Allow or Deny for a device (RFC 8628 §3.3). Allow creates the grant
 * first (so revoking it reaches every token the device gets) and then marks the device code
 * approved with who signed in and how; the device's next poll receives the tokens.
 * Returns false when the code stopped being pending meanwhile (expired, used, decided).
 */
export async function decideDevice(provider: Provider, record: DeviceCodeRecord, session: Session, allow: boolean): Promise<boolean> {
  const now = nowSeconds();
  if (!allow) return provider.deviceCodes.deny(record.user_code, now);

  const grantId = randomToken(16);
  await provider.grantsStore.insert({
    id: grantId,
    user_id: session.userId,
    client_id: record.client_id,
    scope: record.scope,
    // Not tied to the browser session: signing out in the browser leaves the TV connected.
    sid: null,
    created_at: now,
    expires_at: now + provider.config.ttl.refreshToken,
    revoked_at: null,
  });
  const approved = await provider.deviceCodes.approve(
    record.user_code,
    { userId: session.userId, grantId, authTime: session.authTime, acr: session.acr, amr: JSON.stringify(session.amr), sid: session.sid },
    now,
  );
  // Lost a race (another tab decided, or it just expired): the unused grant must not live on.
  if (!approved) await provider.grantsStore.revoke(grantId, now);
  else await provider.audit.record({ type: 'consent.granted', userId: session.userId, clientId: record.client_id, detail: { scope: record.scope, flow: 'device' } });
  return approved;
}
