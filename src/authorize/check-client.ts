import type { ClientRegistry } from '../clients/client-registry.js';
import type { Client } from '../clients/client.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import type { RawAuthorizationParams } from './read-params.js';

/**
 * RFC 6749 §4.1.2.1: a missing, repeated or unknown client_id is shown to the person on an
 * error page and never redirected, since there is no trusted redirect URI to send it to.
 */
export async function checkClient(clients: Pick<ClientRegistry, 'find'>, { params, repeated }: RawAuthorizationParams): Promise<Client> {
  if (repeated.includes('client_id')) throw new InvalidRequestNoRedirect('client_id must not be repeated');
  const clientId = params.client_id;
  if (!clientId) throw new InvalidRequestNoRedirect('the request has no client_id');
  const client = await clients.find(clientId);
  if (!client)
    throw new InvalidRequestNoRedirect(
      'the application that sent you here is not registered with this server',
      `unknown client_id ${clientId}`,
    );
  return client;
}
