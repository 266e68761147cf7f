import type { FastifyInstance } from 'fastify';
import type { Provider } from '../provider.js';
import { SIGNING_ALGORITHMS } from '../jose/algorithms.js';

/**
 * OIDC Discovery §4 and RFC 8414 §3. The document lists what the registered endpoints
 * declared, and is serialised once when the app is ready: answers are prebuilt bytes.
 */
export async function discoveryEndpoint(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  const { config, metadata } = provider;
  metadata.set('issuer', config.issuer);
  metadata.set('jwks_uri', `${config.issuer}/jwks`);
  metadata.set('authorization_response_iss_parameter_supported', true);

  let body = '';
  app.addHook('onReady', async () => {
    body = JSON.stringify(discoveryDocument(provider));
  });

  const serve = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').type('application/json; charset=utf-8');
    return body;
  };
  app.get('/.well-known/openid-configuration', serve);
  app.get('/.well-known/oauth-authorization-server', serve);
}

/** Fills the members derived from what is registered (grant types, auth methods, keys, scopes). */
export function discoveryDocument(provider: Provider): Record<string, unknown> {
  const { metadata } = provider;
  metadata.set('scopes_supported', [...provider.scopes.keys()]);
  metadata.set('grant_types_supported', [...provider.grants.keys()]);
  metadata.set('token_endpoint_auth_methods_supported', provider.clientAuth.supportedMethods());
  // OIDC Discovery §3: every algorithm a client may register for its ID tokens (RS256 first, OIDC Core §15.1).
  metadata.set('id_token_signing_alg_values_supported', SIGNING_ALGORITHMS);
  const methods = provider.clientAuth.supportedMethods();
  // RFC 7662 §2.1: introspection always needs an authenticated caller; RFC 7009 §2.1: a public
  // client may revoke its own tokens with its client_id alone.
  if (metadata.get('introspection_endpoint')) metadata.set('introspection_endpoint_auth_methods_supported', methods.filter((m) => m !== 'none'));
  if (metadata.get('revocation_endpoint')) metadata.set('revocation_endpoint_auth_methods_supported', methods);
  const doc = metadata.toJSON();
  // Sorted keys make the document easy to read and diff.
  return Object.fromEntries(Object.entries(doc).sort(([a], [b]) => (a === 'issuer' ? -1 : b === 'issuer' ? 1 : a.localeCompare(b))));
}
