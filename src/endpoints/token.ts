import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import type { GrantHandler } from '../grants/grant-handler.js';
import type { ProviderMetrics } from '../metrics/provider-metrics.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import { formParams, requireParam } from '../protocol/params.js';
import { checkDpopPresence } from '../dpop/check-dpop-presence.js';
import type { Dpop } from '../dpop/dpop-service.js';
import { readDpopProof } from '../dpop/read-dpop-proof.js';
import { DPOP_ALGORITHMS } from '../jose/algorithms.js';
import { UnauthorizedClient, UnsupportedGrantType } from '../protocol/oauth-errors.js';
import { checkFapiClientAuthentication, checkFapiTokenRequest, type FapiSettings } from '../rules/fapi-profile.js';

export interface TokenEndpointOptions {
  issuer: string;
  metadata: ProviderMetadata;
  clientAuth: Pick<ClientAuthenticator, 'authenticate'>;
  /** The grant registry (grants/index.ts), keyed by grant_type. */
  grants: ReadonlyMap<string, GrantHandler>;
  metrics: Pick<ProviderMetrics, 'tokenIssued'>;
  audit: Pick<AuditLog, 'record'>;
  /** DPoP (RFC 9449), when enabled. */
  dpop?: Dpop;
  /** The FAPI 2.0 switch (config fapi). */
  fapi: FapiSettings;
}

/** RFC 6749 §3.2: the token endpoint. Each grant type is a handler in the grant registry. */
export async function tokenEndpoint(
  app: FastifyInstance,
  { issuer, metadata, clientAuth, grants, metrics, audit, dpop, fapi }: TokenEndpointOptions,
): Promise<void> {
  const url = `${issuer}/token`;
  metadata.set('token_endpoint', url);
  // RFC 9449 §5.1: announced only when proofs are accepted.
  if (dpop) metadata.set('dpop_signing_alg_values_supported', DPOP_ALGORITHMS);

  app.post('/token', async (request, reply) => {
    // §3.2: POST with form parameters, each at most once.
    const params = formParams(request);
    // RFC 9449 §4.3: the proof is checked first, so a nonce challenge does not spend a client assertion.
    const proof = dpop ? await readDpopProof(dpop, request, { url }) : undefined;
    // §3.2.1: authenticate the client before anything about the grant is revealed.
    const client = await clientAuth.authenticate(request, params, url);
    // FAPI 2.0 clients (src/rules/fapi-profile.ts): private_key_jwt only, and a DPoP proof on every token request.
    checkFapiClientAuthentication(client, fapi, /^basic /i.test(request.headers.authorization ?? ''));
    checkFapiTokenRequest(client, fapi, request);
    // §5.2: unsupported_grant_type for a grant this server does not know.
    const grantType = requireParam(params, 'grant_type');
    const handler = grants.get(grantType);
    if (!handler) throw new UnsupportedGrantType(`grant type ${grantType} is not supported`);
    // §5.2: unauthorized_client when the client may not use this grant type.
    if (!client.metadata.grant_types.includes(grantType)) {
      throw new UnauthorizedClient(`the client is not allowed to use the ${grantType} grant`);
    }
    checkDpopPresence(dpop, client, proof);
    const body = await handler.handle({ params, client, request, dpop: proof });
    metrics.tokenIssued(grantType);
    await audit.record({
      type: 'token.issued',
      clientId: client.clientId,
      address: request.ip,
      detail: { grant_type: grantType, scope: typeof body.scope === 'string' ? body.scope : undefined, refresh: 'refresh_token' in body },
    });
    // §5.1: tokens must not be cached.
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // RFC 9449 §8.2: a fresh nonce with every answer, so a client keeps one that works.
    if (proof && dpop?.requireNonce) reply.header('dpop-nonce', dpop.nonces.current());
    return body;
  });
}
