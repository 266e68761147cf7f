import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRegistry } from '../clients/client-registry.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import { formParams, singleParams } from '../protocol/params.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import type { Sessions } from '../session/sessions.js';
import type { ConsentsStore } from '../storage/ports.js';
import type { RedirectTarget } from './authorization-request.js';
import type { AuthorizationResponse } from './authorization-response.js';
import { answerConsent, type AnswerConsentDeps } from './answer-consent.js';
import { checkClient } from './check-client.js';
import { PROMPT_VALUES } from './check-prompt.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { advertisedResponseModes, responseModeFor } from './check-response-mode.js';
import { REQUEST_OBJECT_ALGORITHMS, SIGNING_ALGORITHMS } from '../jose/algorithms.js';
import { InvalidRequestObject } from '../protocol/oauth-errors.js';
import type { Client } from '../clients/client.js';
import type { RawAuthorizationParams } from './read-params.js';
import { resolveRequest, type ResolvedRequest, type ResolveRequestDeps } from './resolve-request.js';
import { secureResponse, type JwtSecuredResponseDeps } from './jwt-secured-response.js';
import {
  continueAuthorization,
  type AuthorizationDecision,
  type ConsentView,
  type ContinueAuthorizationDeps,
} from './continue-authorization.js';
import type { PendingRequests } from './pending-request.js';
import { readAuthorizationParams } from './read-params.js';
import { redirectError } from './redirect-error.js';
import { reopenRequest } from './reopen-request.js';
import { INTERACTION_PARAM, RESUME_ROUTE } from './resume-path.js';
import { STANDARD_CLAIMS } from './standard-claims.js';
import { validateAuthorizationRequest, type ValidationDeps } from './validate-authorization-request.js';

/** The two pages of an authorization request; the page room renders them (wired in app/). */
export interface AuthorizationPages {
  consent(request: FastifyRequest, reply: FastifyReply, page: ConsentView & { action: string; csrf: string }): FastifyReply;
  /** OAuth 2.0 Form Post Response Mode §2: the auto-submitted form to the redirect URI. */
  formPost(request: FastifyRequest, reply: FastifyReply, redirectUri: string, params: URLSearchParams): FastifyReply;
}

export interface AuthorizationRoutesOptions
  extends ValidationDeps, ContinueAuthorizationDeps, AnswerConsentDeps, ResolveRequestDeps, JwtSecuredResponseDeps {
  metadata: ProviderMetadata;
  /** JWT-secured authorization responses (JARM) are offered (`jarm.enabled`). */
  jarm: boolean;
  clients: Pick<ClientRegistry, 'find'>;
  /** Whether pairwise subject identifiers are offered (config subjects.pairwise). */
  pairwiseSubjects: boolean;
  sessions: Pick<Sessions, 'current'>;
  consents: Pick<ConsentsStore, 'find' | 'remember'>;
  pendingRequests: PendingRequests;
  csrf: CsrfOptions;
  pages: AuthorizationPages;
}

/**
 * The authorization endpoint and its pages, one request's life (RFC 6749 §3.1, OIDC Core
 * §3.1.2): `GET|POST /auth` validates and continues; `GET /auth/resume` continues a sealed
 * request after sign-in; `POST /auth/consent` takes the Allow / Deny answer. Errors about the
 * client or its redirect URI are pages; every later error goes back to the client with `iss`
 * (RFC 9207). No CORS here, ever (RFC 9700 §2.6).
 */
export async function authorizationRoutes(app: FastifyInstance, options: AuthorizationRoutesOptions): Promise<void> {
  const { issuer, metadata, pages } = options;
  metadata.set('authorization_endpoint', `${issuer}/auth`);
  metadata.set('response_types_supported', ['code']);
  metadata.set('response_modes_supported', advertisedResponseModes(options.jarm));
  // JARM §4: the algorithms a client may register as authorization_signed_response_alg.
  if (options.jarm) metadata.set('authorization_signing_alg_values_supported', SIGNING_ALGORITHMS);
  metadata.set('code_challenge_methods_supported', options.pkce.allowPlain ? ['S256', 'plain'] : ['S256']);
  // OIDC Discovery §3: pairwise listed only when clients may register it (OIDC Core §8).
  metadata.set('subject_types_supported', options.pairwiseSubjects ? ['public', 'pairwise'] : ['public']);
  metadata.set('prompt_values_supported', PROMPT_VALUES);
  metadata.set('claims_parameter_supported', true);
  // RFC 9101 §10.5 and OIDC Discovery §3: request objects by value; by reference only from /par.
  metadata.set('request_parameter_supported', options.requestObjects);
  if (options.requestObjects) {
    metadata.set('request_object_signing_alg_values_supported', REQUEST_OBJECT_ALGORITHMS);
    metadata.set('require_signed_request_object', options.requestPolicy.signedRequired);
  }
  metadata.set('request_uri_parameter_supported', false);
  metadata.add('claims_supported', ...STANDARD_CLAIMS);
  // OIDC Discovery §3: the ACR levels this provider can reach (src/authn/assurance.ts).
  metadata.set('acr_values_supported', [options.assurance.acr.password, options.assurance.acr.mfa]);

  const respond = async (request: FastifyRequest, reply: FastifyReply, unsigned: AuthorizationResponse) => {
    // JARM: a jwt response mode is signed here, for codes and errors alike.
    const response = await secureResponse(options, unsigned);
    if (response.mode === 'form_post') return pages.formPost(request, reply, response.redirectUri, response.params);
    if (response.mode === 'jwt') throw new Error('unreachable: secureResponse signs every jwt response');
    return reply.status(303).header('location', response.location).header('cache-control', 'no-store').send();
  };
  const targetFor = (client: Client, raw: RawAuthorizationParams, redirectUri: string): RedirectTarget => ({
    clientId: client.clientId,
    redirectUri,
    responseMode: responseModeFor(raw.params, options.responseModes),
    state: raw.repeated.includes('state') ? undefined : raw.params.state,
  });

  const send = (request: FastifyRequest, reply: FastifyReply, decision: AuthorizationDecision) => {
    switch (decision.kind) {
      case 'login':
      case 'resume':
        return reply.status(303).header('location', decision.url).header('cache-control', 'no-store').send();
      case 'consent':
        return pages.consent(request, reply, {
          ...decision.view,
          action: `${issuer}/auth/consent`,
          csrf: csrfToken(request, reply, options.csrf),
        });
      case 'respond':
        return respond(request, reply, decision.response);
    }
  };

  /** Runs a step whose errors may go back to the client at `target` (RFC 6749 §4.1.2.1). */
  const guarded = async (
    request: FastifyRequest,
    reply: FastifyReply,
    target: RedirectTarget,
    step: () => Promise<AuthorizationDecision>,
  ) => {
    let decision: AuthorizationDecision;
    try {
      decision = await step();
    } catch (err) {
      return respond(request, reply, redirectError(request.log, issuer, target, err));
    }
    return send(request, reply, decision);
  };

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    // §3.1.2.2 steps 1-2: until the client and redirect URI are known good, errors are pages.
    const query = readAuthorizationParams(request);
    const client = await checkClient(options.clients, query);
    let resolved: ResolvedRequest;
    try {
      // RFC 9126 §4 / RFC 9101 §6: the pushed request or the request object replaces the query.
      resolved = await resolveRequest(options, client, query);
    } catch (err) {
      // RFC 9101 §6.3: a bad request object goes back to the redirect URI when the query names one registered for the client.
      if (!(err instanceof InvalidRequestObject)) throw err;
      let uri: string;
      try {
        uri = checkRedirectUri(client, query).uri;
      } catch {
        throw err;
      }
      return respond(request, reply, redirectError(request.log, issuer, targetFor(client, query, uri), err));
    }
    const { raw } = resolved;
    const redirect = checkRedirectUri(client, raw);
    const target = targetFor(client, raw, redirect.uri);
    return guarded(request, reply, target, async () => {
      const pending = await validateAuthorizationRequest(options, client, raw, { ...target, sent: redirect.sent }, resolved);
      return continueAuthorization(options, pending, client, await options.sessions.current(request));
    });
  };
  app.get('/auth', authorize);
  app.post('/auth', authorize);

  app.get(RESUME_ROUTE, async (request, reply) => {
    const { request: pending, client } = await reopenRequest(options, singleParams(request.query, 'query')[INTERACTION_PARAM]);
    return guarded(request, reply, pending, async () =>
      continueAuthorization(options, pending, client, await options.sessions.current(request)),
    );
  });

  app.post('/auth/consent', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, options.csrf);
    const { request: pending, sid } = await reopenRequest(options, form[INTERACTION_PARAM]);
    const decision = form.decision;
    if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequestNoRedirect('choose Allow or Deny');
    return guarded(request, reply, pending, async () =>
      answerConsent(options, { pending, shownTo: sid, decision, session: await options.sessions.current(request), address: request.ip }),
    );
  });
}
