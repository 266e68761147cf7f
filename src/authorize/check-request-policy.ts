import type { Client } from '../clients/client.js';
import { InvalidRequest } from '../protocol/oauth-errors.js';

/** The operator's request policy (config `par.required`, `requestObjects.required`). */
export interface RequestPolicy {
  parRequired: boolean;
  signedRequired: boolean;
}

/**
 * RFC 9126 §5-6: with `require_pushed_authorization_requests` (server-wide or the client's),
 * authorization requests are accepted only through /par; others are invalid_request.
 */
export function checkPushedRequired(client: Client, policy: RequestPolicy, pushed: boolean): void {
  if (pushed) return;
  if (policy.parRequired || client.metadata.require_pushed_authorization_requests === true)
    throw new InvalidRequest('authorization requests of this client must be pushed to the PAR endpoint first (RFC 9126)');
}

/**
 * RFC 9101 §10.5: with `require_signed_request_object` (server-wide or the client's), a request
 * without a signed request object is refused with invalid_request. A pushed request was held
 * to this when it was pushed.
 */
export function checkSignedRequired(client: Client, policy: RequestPolicy, signed: boolean): void {
  if (signed) return;
  if (policy.signedRequired || client.metadata.require_signed_request_object === true)
    throw new InvalidRequest('authorization requests of this client must be signed request objects (RFC 9101)');
}
