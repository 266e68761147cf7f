import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import type { Client } from '../clients/client.js';
import { InvalidRequest, RequestNotSupported } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import { checkFapiClientAuthentication, fapiApplies } from '../rules/fapi-profile.js';
import type { PushedRequestsStore } from '../storage/ports.js';
import { checkRedirectUri } from '../authorize/check-redirect-uri.js';
import { checkSignedRequired } from '../authorize/check-request-policy.js';
import { responseModeFor } from '../authorize/check-response-mode.js';
import { newPushedRequestUri, pushedRequestUriHash } from '../authorize/pushed-request-uri.js';
import { validateAuthorizationRequest, type ValidationDeps } from '../authorize/validate-authorization-request.js';
import { verifyRequestObject, type RequestObjectDeps } from '../authorize/verify-request-object.js';
import { readAuthorizationParams, resourcesOf } from '../authorize/read-params.js';
import { FORM_MEDIA_TYPE, mediaType } from '../rules/media-type.js';
import { pushedRequestDpopJkt } from '../dpop/dpop-jkt-param.js';
import type { Dpop } from '../dpop/dpop-service.js';
import { readDpopProof } from '../dpop/read-dpop-proof.js';

export interface PushedAuthorizationOptions extends ValidationDeps, RequestObjectDeps {
  metadata: ProviderMetadata;
  clientAuth: Pick<ClientAuthenticator, 'authenticate'>;
  pushedRequests: Pick<PushedRequestsStore, 'save'>;
  /** Seconds a request_uri stays usable (config ttl.pushedRequest). */
  ttl: number;
  /** `requestObjects.enabled`. */
  requestObjects: boolean;
  /** DPoP (RFC 9449), when enabled: a proof sent with the push binds the code (§10.1). */
  dpop?: Dpop;
}

/** The path, as in RFC 9126 §2's examples (`/as/par` there). */
export const PAR_PATH = '/par';

/**
 * RFC 9126: the pushed authorization request endpoint, `POST /par`. The client authenticates
 * as at /token; the whole authorization request is validated now, with the same steps as
 * /auth, and every error is a JSON answer (§2.3), never a redirect. What passes is stored
 * under a one-time `request_uri` (§2.2) that /auth accepts from this client only.
 */
export async function pushedAuthorizationEndpoint(app: FastifyInstance, options: PushedAuthorizationOptions): Promise<void> {
  const url = `${options.issuer}${PAR_PATH}`;
  // RFC 9126 §5: the endpoint and whether every client must use it.
  options.metadata.set('pushed_authorization_request_endpoint', url);
  options.metadata.set('require_pushed_authorization_requests', options.requestPolicy.parRequired);

  app.post(PAR_PATH, async (request, reply) => {
    // §2.1: the authorization request's parameters, each once, except `resource` (RFC 8707 §2.1).
    const form = pushedForm(request);
    // RFC 9449 §10.1: a DPoP proof is checked first (as at /token, a nonce challenge spends no client assertion).
    const proof = options.dpop ? await readDpopProof(options.dpop, request, { url }) : undefined;
    // §2: client authentication exactly as at the token endpoint (RFC 6749 §2.3), 401 invalid_client.
    const client = await options.clientAuth.authenticate(request, form, url);
    checkFapiClientAuthentication(client, options.fapi, isBasic(request));
    const { params, signed } = await requestParams(options, client, form);
    // RFC 9101 §10.5: a client (or server) that requires signed requests pushes them signed.
    checkSignedRequired(client, options.requestPolicy, signed);
    const raw = { params, repeated: [], resources: resourcesOf(params) };
    // §2.1: the redirect_uri must be one registered for the client (§2.4's unregistered ones are not accepted).
    const redirect = checkRedirectUri(client, raw);
    await validateAuthorizationRequest(
      options,
      client,
      raw,
      {
        clientId: client.clientId,
        redirectUri: redirect.uri,
        sent: redirect.sent,
        responseMode: responseModeFor(params, options.responseModes),
        state: params.state,
      },
      { pushed: true, signed },
    );
    // RFC 9449 §10.1: the proof's key binds the code like dpop_jkt; both sent must name one key.
    const dpopJkt = options.dpop ? pushedRequestDpopJkt(params, proof) : undefined;
    const requestUri = newPushedRequestUri();
    const now = options.clock.nowSeconds();
    await options.pushedRequests.save({
      requestUriHash: pushedRequestUriHash(requestUri),
      clientId: client.clientId,
      params: dpopJkt === undefined ? params : { ...params, dpop_jkt: dpopJkt },
      expiresAt: now + options.ttl,
    });
    // §2.2: 201 Created with the request_uri and its lifetime; never cached.
    reply.status(201).header('cache-control', 'no-store');
    return { request_uri: requestUri, expires_in: options.ttl };
  });
}

/** The parameters of the pushed request: the form's, or (RFC 9101 §6.3, RFC 9126 §3) only those of its request object. */
async function requestParams(
  options: PushedAuthorizationOptions,
  client: Client,
  form: Params,
): Promise<{ params: Params; signed: boolean }> {
  // §2.1: request_uri is not allowed in a pushed request.
  if (form.request_uri !== undefined) throw new InvalidRequest('request_uri must not be sent to the PAR endpoint (RFC 9126 §2.1)');
  // §2.1: client_id, when sent, is the authenticated client's.
  if (form.client_id !== undefined && form.client_id !== client.clientId)
    throw new InvalidRequest('client_id does not match the authenticated client');
  if (form.request === undefined) {
    const params: Params = { ...form, client_id: client.clientId };
    // Client authentication parameters are not part of the authorization request.
    for (const name of ['client_secret', 'client_assertion', 'client_assertion_type']) delete params[name];
    return { params, signed: false };
  }
  if (!options.requestObjects) throw new RequestNotSupported('request objects (the request parameter) are not supported');
  const params = await verifyRequestObject(options, client, form.request, options.clock.nowSeconds(), {
    fapi: fapiApplies(client, options.fapi),
  });
  return { params, signed: true };
}

/**
 * The form of a push: each parameter once (else invalid_request), but `resource` may repeat; the
 * resources travel as one space-separated value (an absolute URI has no space), which
 * resourcesOf() splits again when the request is validated and when /auth uses it.
 */
function pushedForm(request: FastifyRequest): Params {
  if (mediaType(request.headers['content-type']) !== FORM_MEDIA_TYPE)
    throw new InvalidRequest(`the request body must be ${FORM_MEDIA_TYPE}`);
  const { params, repeated, resources } = readAuthorizationParams(request);
  if (repeated.length > 0) throw new InvalidRequest(`parameters sent more than once: ${repeated.join(', ')}`);
  if (resources.length > 0) params.resource = resources.join(' ');
  return params;
}

function isBasic(request: FastifyRequest): boolean {
  return /^basic /i.test(request.headers.authorization ?? '');
}
