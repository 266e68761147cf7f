import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from '../provider.js';
import { formParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf } from '../session/csrf.js';
import { sendPage } from '../interaction/layout.js';
import { renderLogoutConfirmation, renderSignedOut, renderStillSignedIn } from '../interaction/logout-pages.js';
import { readLogoutParams } from '../logout/read-logout-params.js';
import { isHintOfSession, resolveLogoutRequest, type LogoutRequest } from '../logout/resolve-logout-request.js';
import { endBrowserSession } from '../logout/end-browser-session.js';
import { BackchannelLogout } from '../logout/backchannel-logout.js';

/**
 * OIDC RP-Initiated Logout 1.0 at /session/end (GET and POST), with the confirmation form at
 * /session/end/confirm, and OIDC Back-Channel Logout 1.0 to the clients of the session.
 */
export async function endSessionEndpoint(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  const { config, metadata } = provider;
  const endpoint = `${config.issuer}/session/end`;
  const signedOutPage = `${endpoint}/done`;
  metadata.set('end_session_endpoint', endpoint);
  metadata.set('backchannel_logout_supported', true);
  metadata.set('backchannel_logout_session_supported', true);

  const backchannel = new BackchannelLogout({ issuer: config.issuer, keys: provider.keys, clients: provider.clients, sessions: provider.sessions, logger: app.log, clock: provider.clock });
  app.addHook('onClose', () => backchannel.close());
  const csrf = provider.csrf;

  // §3: after logout, back to the verified post_logout_redirect_uri (with state), else our page.
  const finish = (reply: FastifyReply, logout: LogoutRequest) => reply.redirect(logout.redirectTo ?? signedOutPage, 303);

  const start = async (request: FastifyRequest, reply: FastifyReply) => {
    const logout = await resolveLogoutRequest(provider, readLogoutParams(request));
    const session = await provider.sessions.current(request);
    if (!session) {
      // A cross-site form POST carries no SameSite=Lax cookie: continue as a top-level GET, which does.
      if (request.method === 'POST') {
        return reply.redirect(`${endpoint}?${new URLSearchParams(logout.params)}`, 303);
      }
      return finish(reply, logout);
    }
    // §2: a valid id_token_hint of this session is proof enough; otherwise the person confirms.
    if (isHintOfSession(logout.hint, session)) {
      await endBrowserSession(provider, reply, session, backchannel);
      return finish(reply, logout);
    }
    const page = renderLogoutConfirmation({
      action: `${endpoint}/confirm`,
      csrf: csrfToken(request, reply, csrf),
      params: logout.params,
      clientName: logout.client?.metadata.client_name ?? logout.client?.clientId,
      returnsToApp: logout.redirectTo !== undefined,
    });
    return sendPage(reply, page);
  };
  app.get('/session/end', start);
  app.post('/session/end', start);

  app.post('/session/end/confirm', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    // The hidden fields are the original request: every check runs again, nothing is taken on trust.
    const logout = await resolveLogoutRequest(provider, form);
    if (form.logout !== 'yes') return sendPage(reply, renderStillSignedIn());
    const session = await provider.sessions.current(request);
    if (session) await endBrowserSession(provider, reply, session, backchannel);
    return finish(reply, logout);
  });

  app.get('/session/end/done', async (_request, reply) => sendPage(reply, renderSignedOut()));
}
