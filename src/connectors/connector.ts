import type { ConnectorSettings } from './connector-settings.js';
import type { UpstreamIdentity } from './upstream-identity.js';

/** What the callback checks the upstream's answer against: kept sealed in the browser between start and callback. */
export interface FlowChecks {
  state: string;
  /** OIDC Core §3.1.2.1; absent for plain OAuth 2.0. */
  nonce?: string;
  /** RFC 7636 PKCE. */
  codeVerifier: string;
}

/** The upstream's tokens, kept (sealed) only when the connector's `storeTokens` asks. */
export interface UpstreamTokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_at?: number;
  scope?: string;
}

/**
 * One upstream identity provider. `begin` makes the authorization request (RFC 6749 §4.1.1 with
 * PKCE, state and, for OIDC, nonce); `finish` takes the browser's callback URL, exchanges the
 * code and returns who the upstream vouches for. Both throw UpstreamError, never anything else
 * a page could not explain.
 */
export interface Connector {
  readonly settings: ConnectorSettings;
  begin(redirectUri: string): Promise<{ url: URL; checks: FlowChecks }>;
  finish(callbackUrl: URL, redirectUri: string, checks: FlowChecks): Promise<{ identity: UpstreamIdentity; tokens: UpstreamTokens }>;
}
