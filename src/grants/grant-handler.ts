import type { FastifyRequest } from 'fastify';
import type { Client } from '../clients/client.js';
import type { DpopProof } from '../dpop/dpop-proof.js';
import type { Params } from '../protocol/params.js';

/** The JSON body of a successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  /** RFC 9449 §5: DPoP when the access token is bound to the proof's key. */
  token_type: 'Bearer' | 'DPoP';
  /** RFC 8693 §2.2.1: token exchange says what it issued. */
  issued_token_type?: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

export interface GrantRequest {
  params: Params;
  /** The authenticated client; the token endpoint has already checked it may use this grant type. */
  client: Client;
  request: FastifyRequest;
  /** The request's checked DPoP proof (RFC 9449 §5), if it had one: tokens are then bound to its key. */
  dpop?: DpopProof;
}

/**
 * One grant type. The token endpoint looks the handler up by `grant_type`;
 * an unknown one is `unsupported_grant_type`.
 */
export interface GrantHandler {
  readonly grantType: string;
  handle(request: GrantRequest): Promise<TokenResponse>;
}
