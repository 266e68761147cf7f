import type { Client } from '../clients/client.js';
import type { AccessTokenExtra } from '../storage/ports.js';

/** What a grant asks the access-token strategy to issue. */
export interface AccessTokenRequest {
  client: Client;
  /** The end-user's `sub`; absent for client_credentials (then `sub` is the client, RFC 9068 §2.2). */
  userId?: string;
  /** Granted scopes, space-separated. */
  scope: string;
  /** RFC 8707 resource(s); default: the configured audience. */
  audience?: string;
  grantId?: string;
  /** Lifetime in seconds. */
  ttl: number;
  /** Facts of the authentication the token carries for userinfo and introspection. */
  extra?: AccessTokenExtra;
  /** RFC 9449 §6: the thumbprint of the DPoP key the token is bound to (`cnf.jkt`). */
  dpopJkt?: string;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  format: 'jwt' | 'opaque';
  /** The scope the token carries: the requested one, narrowed to what belongs to its resource (RFC 8707). */
  scope: string;
}

/** An access token that checked out: signature or record valid, not expired, not revoked. */
export interface AccessTokenInfo {
  jti: string;
  format: 'jwt' | 'opaque';
  clientId: string;
  sub: string;
  userId?: string;
  scope: string;
  aud: string | string[];
  iat: number;
  exp: number;
  grantId?: string;
  extra: AccessTokenExtra;
  /** RFC 9449 §6: set when the token is DPoP-bound; only a proof with that key may present it. */
  dpopJkt?: string;
}
