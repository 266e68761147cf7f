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
import { RESPONSE_MODES, responseModeFor } from './check-response-mode.js';
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
  consent(reply: FastifyReply, page: ConsentView & { action: string; csrf: string }): FastifyReply;
  /** OAuth 2.0 Form Post Response Mode §2: the auto-submitted form to the redirect URI. */
  formPost(reply: FastifyReply, redirectUri: string, params: URLSearchParams): FastifyReply;
}

export interface AuthorizationRoutesOptions extends ValidationDeps, ContinueAuthorizationDeps, AnswerConsentDeps {
  metadata: ProviderMetadata;
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
  metadata.set('response_modes_supported', RESPONSE_MODES);
  metadata.set('code_challenge_methods_supported', options.pkce.allowPlain ? ['S256', 'plain'] : ['S256']);
  // OIDC Discovery §3: pairwise listed only when clients may register it (OIDC Core §8).
  metadata.set('subject_types_supported', options.pairwiseSubjects ? ['public', 'pairwise'] : ['public']);
  metadata.set('prompt_values_supported', PROMPT_VALUES);
  metadata.set('claims_parameter_supported', true);
  metadata.set('request_parameter_supported', false);
  metadata.set('request_uri_parameter_supported', false);
  metadata.add('claims_supported', ...STANDARD_CLAIMS);

  const respond = (reply: FastifyReply, response: AuthorizationResponse) =>
    response.mode === 'form_post'
      ? pages.formPost(reply, response.redirectUri, response.params)
      : reply.status(303).header('location', response.location).header('cache-control', 'no-store').send();

  const send = (request: FastifyRequest, reply: FastifyReply, decision: AuthorizationDecision) => {
    switch (decision.kind) {
      case 'login':
      case 'resume':
        return reply.status(303).header('location', decision.url).header('cache-control', 'no-store').send();
      case 'consent':
        return pages.consent(reply, { ...decision.view, action: `${issuer}/auth/consent`, csrf: csrfToken(request, reply, options.csrf) });
      case 'respond':
        return respond(reply, decision.response);
    }
  };

  /** Runs a step whose errors may go back to the client at `target` (RFC 6749 §4.1.2.1). */
  const guarded = async (
    request: FastifyRequest,
    reply: FastifyReply,
    target: RedirectTarget,
    step: () => Promise<AuthorizationDecision>,
  ) => {
    try {
      return send(request, reply, await step());
    } catch (err) {
      return respond(reply, redirectError(request.log, issuer, target, err));
    }
  };

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    // §3.1.2.2 steps 1-2: until the client and redirect URI are known good, errors are pages.
    const raw = readAuthorizationParams(request);
    const client = await checkClient(options.clients, raw);
    const redirect = checkRedirectUri(client, raw);
    const target: RedirectTarget = {
      redirectUri: redirect.uri,
      responseMode: responseModeFor(raw.params),
      state: raw.repeated.includes('state') ? undefined : raw.params.state,
    };
    return guarded(request, reply, target, async () => {
      const pending = await validateAuthorizationRequest(options, client, raw, { ...target, sent: redirect.sent });
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
