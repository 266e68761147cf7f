import { GRANT_DEVICE_CODE } from '../clients/client.js';
import { requireParam } from '../protocol/params.js';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, SlowDown } from '../protocol/oauth-errors.js';
import type { DeviceCodesStore, GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import type { GrantHandler } from './grant-handler.js';
import { issueUserTokens, type UserTokensDeps } from './issue-user-tokens.js';
import { resourceForToken, type ResourcePolicy } from '../rules/resource.js';

/** The walkthrough's wording for the two answers a polling device sees most. */
export const PENDING_DESCRIPTION = "authorization request is still pending as the end-user hasn't yet completed the user interaction steps";
export const DENIED_DESCRIPTION = 'End-User aborted interaction';

export interface DeviceCodeGrantDeps extends UserTokensDeps {
  deviceCodes: Pick<DeviceCodesStore, 'findByDeviceCode' | 'recordPoll' | 'consume'>;
  grantsStore: Pick<GrantsStore, 'find'>;
  /** The audiences tokens may have (config accessTokens). */
  resourcePolicy: ResourcePolicy;
  clock: Clock;
}

/**
 * RFC 8628 §3.4: the device polls the token endpoint with its device code. The answers are
 * §3.5's: authorization_pending, slow_down, access_denied, expired_token, or the tokens, once.
 * All polling state is in the database, so any process of a deployment can answer.
 */
export function deviceCodeGrant(deps: DeviceCodeGrantDeps): GrantHandler {
  const store = deps.deviceCodes;
  return {
    grantType: GRANT_DEVICE_CODE,
    async handle({ params, client, dpop }) {
      const hash = hashToken(requireParam(params, 'device_code'));
      const now = deps.clock.nowSeconds();
      const found = await store.findByDeviceCode(hash);
      // RFC 6749 §5.2: a code this client was not issued is invalid_grant, whoever it belongs to.
      if (!found || found.clientId !== client.clientId) {
        throw new InvalidGrant('the device code is invalid', found ? `device code of client ${found.clientId}` : 'unknown device code');
      }
      if (found.status === 'consumed') throw new InvalidGrant('the device code has already been used');
      // §3.5 expired_token: the device must start a new device authorization request.
      if (found.expiresAt <= now) throw new ExpiredToken('the device code has expired');
      // §3.5 access_denied: the end-user denied the request.
      if (found.status === 'denied') throw new AccessDenied(DENIED_DESCRIPTION);

      // §3.5 slow_down: one atomic check across processes; the stored interval grows by 5 s.
      const poll = await store.recordPoll(hash, now);
      if (poll.outcome === 'unknown') throw new InvalidGrant('the device code is invalid');
      if (poll.outcome === 'slow_down') {
        throw new SlowDown(`polling too fast: wait at least ${poll.record.interval} seconds between requests`);
      }
      const record = poll.record;
      // §3.5 authorization_pending: the end-user has not finished at the verification URI yet.
      if (record.status === 'pending') throw new AuthorizationPending(PENDING_DESCRIPTION);
      if (record.status === 'denied') throw new AccessDenied(DENIED_DESCRIPTION);
      // RFC 8707 §2.2: the resource asked for at /device/auth, or the default audience by name; checked before the code is used up.
      const audience = resourceForToken(params, record.resource ?? null, deps.resourcePolicy);

      // Single use: of concurrent redemptions exactly one gets the tokens.
      const approved = await store.consume(hash, now);
      if (!approved || !approved.userId || !approved.grantId || approved.authTime === null) {
        throw new InvalidGrant('the device code has already been used');
      }
      const grant = await deps.grantsStore.find(approved.grantId);
      if (!grant || grant.revokedAt !== null) throw new InvalidGrant('the authorization was revoked');

      return issueUserTokens(deps, {
        client,
        grantId: approved.grantId,
        userId: approved.userId,
        scope: approved.scope,
        authTime: approved.authTime,
        acr: approved.acr,
        amr: approved.amr,
        sid: approved.sid,
        dpopJkt: dpop?.jkt,
        resource: approved.resource,
        audience,
      });
    },
  } satisfies GrantHandler;
}
