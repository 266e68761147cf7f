import type { AuditLog } from '../audit/audit-log.js';
import type { Client } from '../clients/client.js';
import { GRANT_AUTHORIZATION_CODE } from '../clients/client.js';
import { InvalidGrant } from '../protocol/oauth-errors.js';
import { requireParam, type Params } from '../protocol/params.js';
import type { AuthorizationCodeRecord, AuthorizationCodesStore, GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import type { GrantHandler } from './grant-handler.js';
import { checkCodeVerifier } from '../rules/pkce.js';
import { resourceForToken, type ResourcePolicy } from '../rules/resource.js';
import { issueUserTokens, type UserTokensDeps } from './issue-user-tokens.js';

export interface AuthorizationCodeGrantDeps extends UserTokensDeps {
  codes: Pick<AuthorizationCodesStore, 'consume'>;
  grantsStore: Pick<GrantsStore, 'find' | 'revoke'>;
  audit: Pick<AuditLog, 'record'>;
  /** The audiences tokens may have (config accessTokens). */
  resourcePolicy: ResourcePolicy;
  clock: Clock;
}

/** RFC 6749 §4.1.3 with RFC 7636 §4.6: exchanging an authorization code for tokens. */
export function authorizationCodeGrant(deps: AuthorizationCodeGrantDeps): GrantHandler {
  return {
    grantType: GRANT_AUTHORIZATION_CODE,
    async handle({ params, client, dpop }) {
      const code = requireParam(params, 'code');
      const now = deps.clock.nowSeconds();
      // Marked used atomically before anything else is checked, so a second use is always seen.
      const { record, replayed } = await deps.codes.consume(hashToken(code), now);
      if (replayed) {
        // RFC 6749 §4.1.2: a code used twice is refused and every token issued from it revoked.
        await deps.grantsStore.revoke(replayed.grantId, now);
        await deps.audit.record({
          type: 'code.reuse_detected',
          clientId: client.clientId,
          userId: replayed.userId,
          detail: { grant_id: replayed.grantId },
        });
        throw new InvalidGrant('the authorization code has already been used', `code replay, grant ${replayed.grantId} revoked`);
      }
      if (!record) throw new InvalidGrant('the authorization code is invalid');
      if (record.expiresAt <= now) throw new InvalidGrant('the authorization code has expired');
      // §4.1.3: the code was issued to the authenticated client.
      if (record.clientId !== client.clientId)
        throw new InvalidGrant('the authorization code is invalid', `code of ${record.clientId} presented by ${client.clientId}`);
      checkRedirectUri(record, client, params);
      checkCodeVerifier(record.codeChallenge, record.codeChallengeMethod, params.code_verifier);
      // RFC 9449 §10: a code requested with dpop_jkt is redeemed only with a proof made with that key.
      if (record.dpopJkt && record.dpopJkt !== dpop?.jkt)
        throw new InvalidGrant('the DPoP proof key does not match the dpop_jkt of the authorization request');
      // RFC 8707 §2.2: one of the resources granted at /auth, else invalid_target.
      const audience = resourceForToken(params, record.resource, deps.resourcePolicy);
      const grant = await deps.grantsStore.find(record.grantId);
      if (!grant || grant.revokedAt !== null) throw new InvalidGrant('the authorization has been revoked');

      return issueUserTokens(deps, {
        client,
        grantId: record.grantId,
        userId: record.userId,
        scope: record.scope,
        authTime: record.authTime,
        nonce: record.nonce,
        acr: record.acr,
        amr: record.amr,
        sid: record.sid,
        claims: record.claims,
        resource: record.resource,
        dpopJkt: dpop?.jkt,
        audience,
      });
    },
  } satisfies GrantHandler;
}

/**
 * RFC 6749 §4.1.3: redirect_uri is required when the authorization request had one, and
 * then must be identical. A request that omitted it (the client has exactly one registered,
 * stored as '') may still send it, and then it must be that registered URI.
 */
function checkRedirectUri(record: AuthorizationCodeRecord, client: Client, params: Params): void {
  const sent = params.redirect_uri;
  if (record.redirectUri !== '') {
    if (sent === undefined) throw new InvalidGrant('redirect_uri is required: the authorization request included it');
    if (sent !== record.redirectUri) throw new InvalidGrant('redirect_uri does not match the one of the authorization request');
    return;
  }
  if (sent === undefined) return;
  const registered = client.metadata.redirect_uris;
  if (registered.length !== 1 || registered[0] !== sent)
    throw new InvalidGrant('redirect_uri does not match the redirect URI of the authorization request');
}
