import type { Client } from '../clients/client.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedResponseType } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

/**
 * RFC 6749 §4.1.1: response_type is required and must be `code` here (§4.1.2.1
 * unsupported_response_type otherwise); the client must be registered for it (unauthorized_client).
 */
export function checkResponseType(client: Client, params: Params): void {
  const responseType = params.response_type;
  if (responseType === undefined) throw new InvalidRequest('missing required parameter response_type');
  if (responseType !== 'code') throw new UnsupportedResponseType(`response_type ${responseType} is not supported: use code`);
  if (!client.metadata.response_types.includes('code') || !client.metadata.grant_types.includes('authorization_code')) {
    throw new UnauthorizedClient('the client is not registered for the authorization code flow');
  }
}
