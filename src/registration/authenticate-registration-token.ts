import type { FastifyRequest } from 'fastify';
import type { Client } from '../clients/client.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import { InvalidToken } from '../protocol/oauth-errors.js';
import { hashToken, safeEqual } from '../util/hashing.js';
import { bearerToken } from '../rules/bearer-token.js';

export interface RegistrationCaller {
  client: Client;
  /** The registration access token the caller presented (returned again in the response). */
  token: string;
}

/**
 * RFC 7592 §2: every request to the client configuration endpoint carries the client's
 * registration access token as a Bearer token. An unknown client, a client registered
 * another way, and a wrong token all get the same 401 invalid_token (RFC 7592 §2.1,
 * RFC 6750 §3.1), so the endpoint does not reveal which client ids exist.
 */
export async function authenticateRegistrationToken(
  request: FastifyRequest,
  clients: Pick<ClientRegistry, 'find'>,
  clientId: string,
): Promise<RegistrationCaller> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) throw new InvalidToken('a registration access token is required (Authorization: Bearer)');
  const client = await clients.find(clientId);
  const presented = hashToken(token);
  // Compare even when there is nothing to compare against, so both cases take the same path.
  const matches = safeEqual(presented, client?.registrationTokenHash ?? '');
  if (!client || !client.registrationTokenHash || !matches) {
    throw new InvalidToken('the registration access token is not valid for this client');
  }
  return { client, token };
}
