import type { ClientRegistry } from '../clients/client-registry.js';
import { signJwt } from '../jose/sign.js';
import { signingKeyFor, type SigningKeySource } from '../jose/signing-key-for.js';
import type { Clock } from '../util/clock.js';
import { deliver, type AuthorizationResponse } from './authorization-response.js';

export interface JwtSecuredResponseDeps {
  issuer: string;
  /** The provider's signing keys. */
  signingKeys: SigningKeySource;
  clients: Pick<ClientRegistry, 'find'>;
  clock: Clock;
}

/** JARM §2.1: the response JWT is short-lived ("10 minutes at most" recommended); it is used at once. */
const RESPONSE_LIFETIME = 120;

/**
 * JWT Secured Authorization Response Mode (JARM) §2.1-2.3: the response parameters (code,
 * state, or error, error_description, state) signed into one JWT with `iss`, `aud` = the
 * client and a short `exp`, under the client's `authorization_signed_response_alg` (RS256 by
 * default, §3), delivered as the single `response` parameter. Other responses pass through.
 */
export async function secureResponse(deps: JwtSecuredResponseDeps, response: AuthorizationResponse): Promise<AuthorizationResponse> {
  if (response.mode !== 'jwt') return response;
  const client = await deps.clients.find(response.clientId);
  const key = await signingKeyFor(deps.signingKeys, client?.metadata.authorization_signed_response_alg);
  const claims: Record<string, unknown> = Object.fromEntries(response.params);
  const now = deps.clock.nowSeconds();
  const jwt = await signJwt(key, 'JWT', { ...claims, iss: deps.issuer, aud: response.clientId, iat: now, exp: now + RESPONSE_LIFETIME });
  return deliver(response.redirectUri, response.delivery, new URLSearchParams({ response: jwt }));
}
