/**
 * An API that accepts Tessera's access tokens, JWT or opaque, and answers like RFC 6750 says:
 * 401 with `WWW-Authenticate: Bearer` without a token or with a bad one, 403
 * `insufficient_scope` when the token lacks the scope.
 *
 *   npx tsx examples/resource-server/server.ts
 *
 * Settings (environment): TESSERA_ISSUER (http://localhost:3000), AUDIENCE (http://localhost:4000:
 * the `resource` clients ask for), REQUIRED_SCOPE (api.read), CLIENT_ID (AUDIENCE) and
 * CLIENT_SECRET (for introspecting opaque tokens; without it only JWTs are accepted), PORT (4000),
 * HOST (localhost).
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { accessTokenVerifier, InvalidToken, type VerifiedToken } from './verify-access-token.js';

const issuer = process.env.TESSERA_ISSUER ?? 'http://localhost:3000';
const audience = process.env.AUDIENCE ?? 'http://localhost:4000';
const requiredScope = process.env.REQUIRED_SCOPE ?? 'api.read';
const clientId = process.env.CLIENT_ID ?? audience;
const clientSecret = process.env.CLIENT_SECRET;
const REALM = 'example-api';

// To introspect, the API is itself a confidential client of Tessera whose client_id is its
// audience: Tessera shows a client the tokens issued for its client_id as audience.
const introspection = clientSecret
  ? await oidc.discovery(new URL(issuer), clientId, clientSecret, oidc.ClientSecretBasic(clientSecret), {
      execute: issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
    })
  : undefined;
const verify = accessTokenVerifier({ issuer, audience, introspection });

/** RFC 6750 §3: the challenge, with an error code only when a token was presented. */
function refuse(reply: FastifyReply, status: 400 | 401 | 403, error?: string, description?: string): undefined {
  const params = [`realm="${REALM}"`];
  if (error) params.push(`error="${error}"`, `error_description="${description!.replace(/["\\]/g, '')}"`);
  if (error === 'insufficient_scope') params.push(`scope="${requiredScope}"`);
  void reply
    .code(status)
    .header('www-authenticate', `Bearer ${params.join(', ')}`)
    .send(error ? { error, error_description: description } : { error: 'unauthorized', error_description: 'a Bearer token is required' });
  return undefined;
}

/** The caller's token, checked; undefined once a refusal has been sent. */
async function authorize(request: FastifyRequest, reply: FastifyReply): Promise<VerifiedToken | undefined> {
  const header = request.headers.authorization;
  if (!header || !/^Bearer\b/i.test(header)) return refuse(reply, 401); // §3.1: no error code without a token
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header); // §2.1: the b64token grammar
  if (!match) return refuse(reply, 400, 'invalid_request', 'malformed Bearer token');
  let token: VerifiedToken;
  try {
    token = await verify(match[1]);
  } catch (err) {
    if (err instanceof InvalidToken) return refuse(reply, 401, 'invalid_token', err.message);
    throw err;
  }
  // §3.1: a valid token without the scope this resource needs.
  if (!token.scopes.includes(requiredScope)) return refuse(reply, 403, 'insufficient_scope', `this API needs the scope ${requiredScope}`);
  return token;
}

const app = Fastify();

app.get('/api/data', async (request, reply) => {
  const token = await authorize(request, reply);
  if (!token) return reply; // the refusal is on its way
  return { message: 'Hello from the example API', sub: token.sub, client_id: token.clientId, token_format: token.format };
});

const port = Number(process.env.PORT ?? 4000);
await app.listen({ port, host: process.env.HOST ?? 'localhost' });
console.log(`example API: http://${process.env.HOST ?? 'localhost'}:${port}/api/data (audience ${audience}, scope ${requiredScope})`);
