import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from '../provider.js';
import { formParams, singleParams } from '../protocol/params.js';
import { AccessDenied, InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import { unsealRequest, resumePath } from '../authorize/pending-request.js';
import type { AuthorizationRequest } from '../authorize/authorization-request.js';
import { continueAuthorization } from '../authorize/continue-authorization.js';
import { redirectError } from '../authorize/redirect-error.js';
import { issueCode } from '../authorize/issue-code.js';
import { sendAuthorizationResponse } from '../authorize/authorization-response.js';
import { consentToRemember } from '../rules/release-policy.js';
import { verifyCsrf } from '../session/csrf.js';
import { csrfOptions } from './page-context.js';

/**
 * The steps of an authorization request that happen on Tessera's pages:
 * `GET /auth/resume` continues a sealed request after sign-in, `POST /auth/consent` takes
 * the Allow / Deny answer.
 */
export async function authorizationInteractionRoutes(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  const { issuer } = provider.config;

  /** The sealed request and its client, still registered with the same redirect URI. */
  const open = async (sealed: string | undefined) => {
    const unsealed = unsealRequest(provider, sealed);
    if (!unsealed) throw new InvalidRequestNoRedirect('this sign-in took too long or the link is damaged: go back to the application and start again');
    const client = await provider.clients.find(unsealed.request.clientId);
    const registered = client?.metadata.redirect_uris ?? [];
    if (!client || !registered.includes(unsealed.request.redirectUri)) throw new InvalidRequestNoRedirect('the application is no longer registered for this request');
    return { ...unsealed, client };
  };

  const guarded = async (request: FastifyRequest, reply: FastifyReply, pending: AuthorizationRequest, step: () => Promise<FastifyReply>) => {
    try {
      return await step();
    } catch (err) {
      return redirectError(request, reply, issuer, pending, err);
    }
  };

  app.get('/auth/resume', async (request, reply) => {
    const { request: pending, client } = await open(singleParams(request.query, 'query').interaction);
    return guarded(request, reply, pending, () => continueAuthorization(provider, request, reply, pending, client));
  });

  app.post('/auth/consent', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrfOptions(provider));
    const { request: pending, sid } = await open(form.interaction);
    const decision = form.decision;
    if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequestNoRedirect('choose Allow or Deny');
    return guarded(request, reply, pending, async () => {
      const session = await provider.sessions.current(request);
      // The consent was shown to another session (signed out or switched user since): start over.
      if (!session || session.sid !== sid) {
        return reply.status(303).header('location', `${issuer}${resumePath(provider, pending)}`).header('cache-control', 'no-store').send();
      }
      // RFC 6749 §4.1.2.1: the resource owner denied the request.
      if (decision === 'deny') throw new AccessDenied('the person did not allow the application access');
      await provider.consents.remember(session.userId, pending.clientId, consentToRemember(pending), provider.clock.nowSeconds());
      await provider.audit.record({ type: 'consent.granted', userId: session.userId, clientId: pending.clientId, address: request.ip, detail: { scope: pending.scopes.join(' ') } });
      const code = await issueCode(provider, pending, session);
      return sendAuthorizationResponse(reply, pending, issuer, { code });
    });
  });
}
