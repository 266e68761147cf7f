import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/load-config.js';
import type { DeviceCodeRecord, DeviceCodesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { Session } from '../session/sessions.js';
import { randomToken } from '../util/random.js';

export interface DecideDeviceDeps {
  /** The grant's absolute lifetime: no refresh token of it outlives it (ttl.grant). */
  config: { ttl: Pick<Config['ttl'], 'grant'> };
  deviceCodes: Pick<DeviceCodesStore, 'approve' | 'deny'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/**
 * Records the person's Allow or Deny for a device (RFC 8628 §3.3). Allow creates the grant
 * (so revoking it reaches every token the device gets) together with the approval, which
 * records who signed in and how; the device's next poll receives the tokens.
 * Returns false when the code stopped being pending meanwhile (expired, used, decided).
 */
export async function decideDevice(deps: DecideDeviceDeps, record: DeviceCodeRecord, session: Session, allow: boolean): Promise<boolean> {
  const now = deps.clock.nowSeconds();
  if (!allow) return deps.deviceCodes.deny(record.userCode, now);

  const grant = {
    id: randomToken(16),
    userId: session.userId,
    clientId: record.clientId,
    scope: record.scope,
    // Not tied to the browser session: signing out in the browser leaves the TV connected.
    sid: null,
    createdAt: now,
    expiresAt: now + deps.config.ttl.grant,
    revokedAt: null,
  };
  const approval = { userId: session.userId, authTime: session.authTime, acr: session.acr, amr: session.amr, sid: session.sid };
  // Lost a race (another tab decided, or it just expired): no grant is stored.
  const approved = await deps.deviceCodes.approve(record.userCode, grant, approval, now);
  if (approved)
    await deps.audit.record({
      type: 'consent.granted',
      userId: session.userId,
      clientId: record.clientId,
      detail: { scope: record.scope, flow: 'device' },
    });
  return approved;
}
