import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from '../provider.js';
import { readAuthorizationParams } from '../authorize/read-params.js';
import { checkClient } from '../authorize/check-client.js';
import { checkRedirectUri } from '../authorize/check-redirect-uri.js';
import { responseModeFor } from '../authorize/check-response-mode.js';
import { validateAuthorizationRequest } from '../authorize/validate-authorization-request.js';
import { continueAuthorization } from '../authorize/continue-authorization.js';
import { redirectError } from '../authorize/redirect-error.js';
import type { RedirectTarget } from '../authorize/authorization-request.js';
import { PROMPT_VALUES } from '../authorize/check-prompt.js';
import { RESPONSE_MODES } from '../authorize/check-response-mode.js';
import { STANDARD_CLAIMS } from '../authorize/standard-claims.js';

/**
 * RFC 6749 §3.1 / OIDC Core §3.1.2: the authorization endpoint, GET and POST. Errors about
 * the client or its redirect URI are shown as a page; every later error goes back to the
 * client with `iss` (RFC 9207). No CORS here, ever (RFC 9700 §2.6).
 */
export async function authorizeEndpoint(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  const { config, metadata } = provider;
  metadata.set('authorization_endpoint', `${config.issuer}/auth`);
  metadata.set('response_types_supported', ['code']);
  metadata.set('response_modes_supported', RESPONSE_MODES);
  metadata.set('code_challenge_methods_supported', config.pkce.allowPlain ? ['S256', 'plain'] : ['S256']);
  metadata.set('subject_types_supported', ['public']);
  metadata.set('prompt_values_supported', PROMPT_VALUES);
  metadata.set('claims_parameter_supported', true);
  metadata.set('request_parameter_supported', false);
  metadata.set('request_uri_parameter_supported', false);
  metadata.add('claims_supported', ...STANDARD_CLAIMS);

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    // §3.1.2.2 steps 1-2: until the client and redirect URI are known good, errors are pages.
    const raw = readAuthorizationParams(request);
    const client = await checkClient(provider, raw);
    const redirect = checkRedirectUri(client, raw);
    const target: RedirectTarget = {
      redirectUri: redirect.uri,
      responseMode: responseModeFor(raw.params),
      state: raw.repeated.includes('state') ? undefined : raw.params.state,
    };
    try {
      const pending = await validateAuthorizationRequest(provider, client, raw, { ...target, sent: redirect.sent });
      return await continueAuthorization(provider, request, reply, pending, client);
    } catch (err) {
      return redirectError(request, reply, config.issuer, target, err);
    }
  };

  app.get('/auth', handler);
  app.post('/auth', handler);
}
