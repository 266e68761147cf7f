import type { FastifyInstance } from 'fastify';
import type { KeySet } from '../keys/key-set.js';

/** RFC 7517 JWK Set of the public signing keys (no private members), including retired keys still in use. */
export async function jwksEndpoint(app: FastifyInstance, { keys }: { keys: Pick<KeySet, 'jwks'> }): Promise<void> {
  app.get('/jwks', async (_request, reply) => {
    reply
      .header('cache-control', 'public, max-age=60')
      .header('access-control-allow-origin', '*')
      .type('application/jwk-set+json; charset=utf-8');
    return keys.jwks();
  });
}
