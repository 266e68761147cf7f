import type { FastifyInstance } from 'fastify';
import { InvalidClientMetadata, InvalidRequest } from '../protocol/oauth-errors.js';
import { authenticateRegistrationToken } from '../registration/authenticate-registration-token.js';
import { readMetadataBody } from '../registration/read-metadata-body.js';
import { checkUnsupportedMetadata } from '../registration/check-unsupported-metadata.js';
import { checkServerFetchedUrls } from '../registration/check-server-fetched-urls.js';
import { limitRegistrantPowers } from '../registration/limit-registrant-powers.js';
import { clientInformation, SERVER_MANAGED_FIELDS } from '../registration/client-information.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Config } from '../config/load-config.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import type { ClientTokensStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';

export interface ClientConfigurationOptions {
  config: Pick<Config, 'dev' | 'outbound' | 'registration'>;
  metadata: ProviderMetadata;
  clients: Pick<ClientRegistry, 'save' | 'find' | 'checkSecret' | 'delete'>;
  /** RFC 7592 §2.3: deleting a registration revokes what was issued to the client. */
  clientTokens: Pick<ClientTokensStore, 'revokeAll'>;
  clock: Clock;
}

/**
 * RFC 7592 §2: read, update and delete a registration at its registration_client_uri,
 * authenticated by the registration access token issued with it.
 */
export async function clientConfigurationRoutes(
  app: FastifyInstance,
  options: ClientConfigurationOptions,
  registrationUrl: string,
): Promise<void> {
  const { clients, config } = options;
  const clientUri = (clientId: string) => `${registrationUrl}/${encodeURIComponent(clientId)}`;
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

  // §2.1: read the current registration.
  app.get<{ Params: { clientId: string } }>('/reg/:clientId', async (request, reply) => {
    const { client, token } = await authenticateRegistrationToken(request, clients, request.params.clientId);
    reply.headers(noStore);
    return clientInformation(client, { registrationAccessToken: token, registrationClientUri: clientUri(client.clientId) });
  });

  // §2.2: replace the registration; omitted fields are removed, not kept.
  app.put<{ Params: { clientId: string } }>('/reg/:clientId', async (request, reply) => {
    const { client, token } = await authenticateRegistrationToken(request, clients, request.params.clientId);
    const input = readMetadataBody(request);
    for (const field of SERVER_MANAGED_FIELDS) {
      // §2.2: the request MUST NOT include the members the server manages.
      if (field in input) throw new InvalidClientMetadata(`${field} must not be sent when updating a registration (RFC 7592 §2.2)`);
    }
    // §2.2: client_id MUST be present and be the current one.
    if (input.client_id !== client.clientId) throw new InvalidRequest('client_id must be present and equal to the registered client_id');
    const { client_secret: presentedSecret, ...metadata } = input;
    // §2.2: a client_secret in the request MUST match; the client may not choose its own.
    if (presentedSecret !== undefined && (typeof presentedSecret !== 'string' || !clients.checkSecret(client, presentedSecret))) {
      throw new InvalidRequest('client_secret does not match the current client secret');
    }
    checkUnsupportedMetadata(metadata, options.metadata);
    checkServerFetchedUrls(metadata, config);
    const { client: updated, secret } = await clients.save(
      limitRegistrantPowers(metadata, config.registration.allowedScopes),
      'registration',
    );
    reply.headers(noStore);
    return clientInformation(updated, { secret, registrationAccessToken: token, registrationClientUri: clientUri(updated.clientId) });
  });

  // §2.3: delete the registration; its grants and tokens stop working at once.
  app.delete<{ Params: { clientId: string } }>('/reg/:clientId', async (request, reply) => {
    const { client } = await authenticateRegistrationToken(request, clients, request.params.clientId);
    await options.clientTokens.revokeAll(client.clientId, options.clock.nowSeconds());
    await clients.delete(client.clientId);
    request.log.info({ client_id: client.clientId }, 'client registration deleted');
    reply.status(204).headers(noStore).send();
  });
}
