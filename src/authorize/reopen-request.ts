import type { ClientRegistry } from '../clients/client-registry.js';
import type { Client } from '../clients/client.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import type { AuthorizationRequest } from './authorization-request.js';
import type { PendingRequests } from './pending-request.js';

export interface ReopenRequestDeps {
  pendingRequests: Pick<PendingRequests, 'unseal'>;
  clients: Pick<ClientRegistry, 'find'>;
}

/**
 * A sealed request coming back from a page, with its client, which must still be registered
 * with the same redirect URI. Anything else is an error page, never a redirect (RFC 6749 §4.1.2.1).
 */
export async function reopenRequest(
  deps: ReopenRequestDeps,
  sealed: string | undefined,
): Promise<{ request: AuthorizationRequest; sid?: string; client: Client }> {
  const unsealed = deps.pendingRequests.unseal(sealed);
  if (!unsealed)
    throw new InvalidRequestNoRedirect('this sign-in took too long or the link is damaged: go back to the application and start again');
  const client = await deps.clients.find(unsealed.request.clientId);
  const registered = client?.metadata.redirect_uris ?? [];
  if (!client || !registered.includes(unsealed.request.redirectUri))
    throw new InvalidRequestNoRedirect('the application is no longer registered for this request');
  return { ...unsealed, client };
}
