import type { FastifyRequest } from 'fastify';
import type { Client } from '../clients/client.js';
import { InvalidClient, InvalidDpopProof, InvalidRequest, InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import type { PkceSettings } from './pkce.js';

/**
 * The FAPI 2.0 Security Profile (OpenID FAPI 2.0 Security Profile, final), in one place. A
 * client is held to it when the operator set `fapi.profile: "2.0"` or the client was registered
 * with `fapi_profile: "2.0"`. Registration already refuses FAPI clients that could never comply
 * (validate-client-metadata.ts); these checks hold every request to it, including clients
 * registered before the global switch was turned on.
 */
export interface FapiSettings {
  /** `2.0` for every client, '' for those registered with `fapi_profile`. */
  profile: string;
}

/** FAPI 2.0 (authorization server, authorization endpoint flows): "shall issue authorization codes with a maximum lifetime of 60 seconds". */
export const FAPI_CODE_LIFETIME = 60;

/** FAPI 1 Advanced §5.2.2, kept by FAPI 2.0 Message Signing for request objects: exp - nbf at most 60 minutes, nbf at most 60 minutes old. */
export const FAPI_REQUEST_OBJECT_WINDOW = 3600;

export function fapiApplies(client: Client, settings: FapiSettings): boolean {
  return settings.profile === '2.0' || client.metadata.fapi_profile === '2.0';
}

/** FAPI 2.0 (authorization server): "shall require PKCE with S256 as the code challenge method". */
export const FAPI_PKCE: PkceSettings = { requiredForAll: true, allowPlain: false, requireS256ForPublicClients: true };

/**
 * At /auth and /par, once the redirect URI is trusted. FAPI 2.0: "shall require pushed
 * authorization requests" (RFC 9126 §6: invalid_request otherwise); response_type code only is
 * all Tessera supports anyway; redirect URIs use https ("shall require ... https scheme").
 */
export function checkFapiAuthorizationRequest(client: Client, settings: FapiSettings, pushed: boolean, redirectUri: string): void {
  if (!fapiApplies(client, settings)) return;
  if (!redirectUri.startsWith('https:'))
    throw new InvalidRequestNoRedirect('the redirect_uri must use https (FAPI 2.0 Security Profile)', `FAPI redirect_uri ${redirectUri}`);
  if (!pushed) throw new InvalidRequest('this client must push its authorization request to the PAR endpoint first (FAPI 2.0)');
}

/**
 * After client authentication at /token and /par (and wherever the client authenticates).
 * FAPI 2.0: "shall only support confidential clients, with private_key_jwt (or mTLS, which
 * Tessera does not offer); a shared secret or no authentication is invalid_client (RFC 6749 §5.2).
 */
export function checkFapiClientAuthentication(client: Client, settings: FapiSettings, basicTried: boolean): void {
  if (!fapiApplies(client, settings)) return;
  const method = client.metadata.token_endpoint_auth_method;
  if (method !== 'private_key_jwt')
    throw new InvalidClient(
      'this client must authenticate with private_key_jwt (FAPI 2.0 Security Profile)',
      `FAPI client ${client.clientId} is registered for ${method}`,
      basicTried,
    );
}

/**
 * At /token. FAPI 2.0: "shall only issue sender-constrained access tokens" (DPoP here,
 * RFC 9449). A token request of a FAPI client without a DPoP proof is refused as RFC 9449 §5.2
 * asks for clients bound to DPoP (`dpop_bound_access_tokens`): the proof is what is missing.
 * This checks presence only; the proof itself is validated by the DPoP code.
 */
export function checkFapiTokenRequest(client: Client, settings: FapiSettings, request: FastifyRequest): void {
  if (!fapiApplies(client, settings)) return;
  if (typeof request.headers.dpop !== 'string' || request.headers.dpop === '')
    throw new InvalidDpopProof('a DPoP proof is required: this client may only receive sender-constrained tokens (FAPI 2.0)');
}
