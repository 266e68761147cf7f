import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import { SIGNING_ALGORITHMS } from '../jose/algorithms.js';
import { LANGUAGES } from '../i18n/languages.js';

export interface DiscoveryOptions {
  issuer: string;
  /** Filled by the endpoint plugins as they are registered. */
  metadata: ProviderMetadata;
  /** Scopes this provider knows. */
  scopes: ReadonlyMap<string, string>;
  /** The grant registry's grant types (grants/index.ts). */
  grantTypes: readonly string[];
  clientAuth: Pick<ClientAuthenticator, 'supportedMethods'>;
}

/**
 * OIDC Discovery §4 and RFC 8414 §3. The document lists what the registered endpoints
 * declared, and is serialised once when the app is ready: answers are prebuilt bytes.
 */
export async function discoveryEndpoint(app: FastifyInstance, options: DiscoveryOptions): Promise<void> {
  const { issuer, metadata } = options;
  metadata.set('issuer', issuer);
  metadata.set('jwks_uri', `${issuer}/jwks`);
  metadata.set('authorization_response_iss_parameter_supported', true);
  // OIDC Discovery §3: the languages of the pages (ui_locales, OIDC Core §3.1.2.1).
  metadata.set('ui_locales_supported', [...LANGUAGES]);

  let body = '';
  app.addHook('onReady', async () => {
    body = JSON.stringify(discoveryDocument(options));
  });

  const serve = async (_request: unknown, reply: FastifyReply) => {
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').type('application/json; charset=utf-8');
    return body;
  };
  app.get('/.well-known/openid-configuration', serve);
  app.get('/.well-known/oauth-authorization-server', serve);
}

/** Fills the members derived from what is registered (grant types, auth methods, keys, scopes). */
export function discoveryDocument({ metadata, scopes, grantTypes, clientAuth }: DiscoveryOptions): Record<string, unknown> {
  metadata.set('scopes_supported', [...scopes.keys()]);
  metadata.set('grant_types_supported', [...grantTypes]);
  metadata.set('token_endpoint_auth_methods_supported', clientAuth.supportedMethods());
  // OIDC Discovery §3: every algorithm a client may register for its ID tokens (RS256 first, OIDC Core §15.1).
  metadata.set('id_token_signing_alg_values_supported', SIGNING_ALGORITHMS);
  const methods = clientAuth.supportedMethods();
  // RFC 7662 §2.1: introspection always needs an authenticated caller; RFC 7009 §2.1: a public
  // client may revoke its own tokens with its client_id alone.
  if (metadata.get('introspection_endpoint'))
    metadata.set(
      'introspection_endpoint_auth_methods_supported',
      methods.filter((m) => m !== 'none'),
    );
  if (metadata.get('revocation_endpoint')) metadata.set('revocation_endpoint_auth_methods_supported', methods);
  const doc = metadata.toJSON();
  // Sorted keys make the document easy to read and diff.
  return Object.fromEntries(Object.entries(doc).sort(([a], [b]) => (a === 'issuer' ? -1 : b === 'issuer' ? 1 : a.localeCompare(b))));
}
