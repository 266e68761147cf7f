import type { FastifyRequest } from 'fastify';
import type { Client } from '../clients/client.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import { InvalidClient } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { ClientAuthMethod, PresentedCredentials } from './client-auth-method.js';
import { detectCredentials } from './detect-credentials.js';
import type { ClientAuthThrottle } from './throttle-client-authentication.js';

/**
 * Authenticates the client of a token, introspection, revocation or device authorization
 * request: detects the method used, finds the client, insists on its registered method,
 * and lets that method check the credential. Every failure is 401 invalid_client.
 */
export class ClientAuthenticator {
  private readonly methods: Map<string, ClientAuthMethod>;

  constructor(
    private readonly registry: ClientRegistry,
    methods: ClientAuthMethod[],
    private readonly throttle?: ClientAuthThrottle,
  ) {
    this.methods = new Map(methods.map((m) => [m.name, m]));
  }

  /** The methods this server implements, for discovery. */
  supportedMethods(): string[] {
    return [...this.methods.keys()];
  }

  async authenticate(request: FastifyRequest, params: Params, endpointUrl: string): Promise<Client> {
    const presented = detectCredentials(request, params);
    if (!presented) throw new InvalidClient('client authentication is required');
    if (!this.throttle) return this.verify(presented, endpointUrl);
    await this.throttle.check(presented.clientId, request.ip);
    try {
      return await this.verify(presented, endpointUrl);
    } catch (err) {
      return this.throttle.fail(presented.clientId, request.ip, err);
    }
  }

  private async verify(presented: PresentedCredentials, endpointUrl: string): Promise<Client> {
    const client = await this.registry.find(presented.clientId);
    if (!client) throw new InvalidClient('client authentication failed', `unknown client ${presented.clientId}`, presented.basic);
    const registered = client.metadata.token_endpoint_auth_method;
    if (registered !== presented.method) {
      throw new InvalidClient(
        presented.method === 'none' ? 'client authentication is required' : 'client authentication failed',
        `client ${client.clientId} is registered for ${registered}, used ${presented.method}`,
        presented.basic,
      );
    }
    const method = this.methods.get(registered);
    if (!method) throw new InvalidClient('client authentication failed', `method ${registered} is not enabled`, presented.basic);
    await method.verify(presented, client, endpointUrl);
    return client;
  }
}
