import type { Config } from '../config/load-config.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import { authorizationCodeGrant, type AuthorizationCodeGrantDeps } from './authorization-code.js';
import { clientCredentialsGrant, type ClientCredentialsOptions } from './client-credentials.js';
import { deviceCodeGrant, type DeviceCodeGrantDeps } from './device-code.js';
import type { GrantHandler } from './grant-handler.js';
import { refreshTokenGrant, type RefreshTokenGrantDeps } from './refresh-token.js';
import { tokenExchangeGrant } from './token-exchange.js';

export type GrantHandlersDeps = AuthorizationCodeGrantDeps &
  RefreshTokenGrantDeps &
  DeviceCodeGrantDeps &
  Omit<ClientCredentialsOptions, 'ttl'> & {
    config: { ttl: Pick<Config['ttl'], 'clientCredentialsAccessToken' | 'accessToken'>; tokenExchange: Config['tokenExchange'] };
    /** Token exchange checks the subject and actor tokens it is given (RFC 8693 §2.1). */
    accessTokens: Pick<AccessTokens, 'issue' | 'verify'>;
  };

/**
 * Every grant type this server supports, keyed by `grant_type` (RFC 6749 §4, RFC 8628 §3.4):
 * the token endpoint's one lookup, and discovery's grant_types_supported.
 */
export function grantHandlers(deps: GrantHandlersDeps): Map<string, GrantHandler> {
  const handlers: GrantHandler[] = [
    clientCredentialsGrant({
      accessTokens: deps.accessTokens,
      scopes: deps.scopes,
      resourcePolicy: deps.resourcePolicy,
      ttl: deps.config.ttl.clientCredentialsAccessToken,
    }),
    authorizationCodeGrant(deps),
    refreshTokenGrant(deps),
    deviceCodeGrant(deps),
    tokenExchangeGrant({
      accessTokens: deps.accessTokens,
      resourcePolicy: deps.resourcePolicy,
      impersonation: deps.config.tokenExchange.impersonation,
      ttl: deps.config.ttl.accessToken,
      audit: deps.audit,
      clock: deps.clock,
    }),
  ];
  return new Map(handlers.map((handler) => [handler.grantType, handler]));
}
