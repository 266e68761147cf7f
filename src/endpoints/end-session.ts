import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { KeySet } from '../keys/key-set.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import type { Sessions } from '../session/sessions.js';
import { formParams, singleParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import { sendPage } from '../interaction/layout.js';
import type { PageContexts } from '../interaction/page-context.js';
import { renderLogoutConfirmation, renderSignedOut, renderStillSignedIn } from '../interaction/logout-pages.js';
import { readLogoutParams } from '../logout/read-logout-params.js';
import { isHintOfSession, resolveLogoutRequest, type LogoutRequest, type ResolveLogoutDeps } from '../logout/resolve-logout-request.js';
import { endBrowserSession, type EndBrowserSessionDeps } from '../logout/end-browser-session.js';
import { BackchannelLogout } from '../logout/backchannel-logout.js';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';

export interface EndSessionOptions extends ResolveLogoutDeps, EndBrowserSessionDeps {
  metadata: ProviderMetadata;
  /** The reader's language (ui_locales, Accept-Language) and the brand. */
  pages: PageContexts;
  /** Signs the logout tokens (OIDC Back-Channel Logout §2.4). */
  keys: KeySet;
  clients: Pick<ClientRegistry, 'find'>;
  /** The `sub` each client knows the user by (public or pairwise, OIDC Core §8). */
  subjects: Pick<SubjectIdentifiers, 'forClient'>;
  sessions: Pick<Sessions, 'current' | 'end' | 'clearCookie' | 'clientsOf'>;
  csrf: CsrfOptions;
  /** Posts the logout tokens to backchannel_logout_uri, under the outbound address policy. */
  outbound: OutboundFetch;
}

/**
 * OIDC RP-Initiated Logout 1.0 at /session/end (GET and POST), with the confirmation form at
 * /session/end/confirm, and OIDC Back-Channel Logout 1.0 to the clients of the session.
 */
export async function endSessionEndpoint(app: FastifyInstance, options: EndSessionOptions): Promise<void> {
  const { issuer, metadata, sessions, csrf } = options;
  const endpoint = `${issuer}/session/end`;
  const signedOutPage = `${endpoint}/done`;
  metadata.set('end_session_endpoint', endpoint);
  metadata.set('backchannel_logout_supported', true);
  metadata.set('backchannel_logout_session_supported', true);

  const backchannel = new BackchannelLogout({
    issuer,
    keys: options.keys,
    clients: options.clients,
    subjects: options.subjects,
    sessions,
    logger: app.log,
    clock: options.clock,
    fetch: options.outbound,
  });
  app.addHook('onClose', () => backchannel.close());

  // §3: after logout, back to the verified post_logout_redirect_uri (with state), else our page.
  // RP-Initiated Logout §2 ui_locales: the signed-out page speaks the app's language too.
  const signedOut = (logout: LogoutRequest) =>
    logout.params.ui_locales ? `${signedOutPage}?${new URLSearchParams({ ui_locales: logout.params.ui_locales })}` : signedOutPage;
  const finish = (reply: FastifyReply, logout: LogoutRequest) => reply.redirect(logout.redirectTo ?? signedOut(logout), 303);

  const start = async (request: FastifyRequest, reply: FastifyReply) => {
    const logout = await resolveLogoutRequest(options, readLogoutParams(request));
    const session = await sessions.current(request);
    if (!session) {
      // A cross-site form POST carries no SameSite=Lax cookie: continue as a top-level GET, which does.
      if (request.method === 'POST') {
        return reply.redirect(`${endpoint}?${new URLSearchParams(logout.params)}`, 303);
      }
      return finish(reply, logout);
    }
    // §2: a valid id_token_hint of this session is proof enough; otherwise the person confirms.
    const { client } = logout;
    const subjectOf = (userId: string) => (client ? options.subjects.forClient(client, userId) : undefined);
    if (isHintOfSession(logout.hint, session, subjectOf)) {
      await endBrowserSession(options, reply, session, backchannel);
      return finish(reply, logout);
    }
    const page = renderLogoutConfirmation(options.pages.for(request, logout.params.ui_locales), {
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
    const logout = await resolveLogoutRequest(options, form);
    if (form.logout !== 'yes')
      return sendPage(reply, renderStillSignedIn(options.pages.for(request, form.ui_locales), `${issuer}/account`));
    const session = await sessions.current(request);
    if (session) await endBrowserSession(options, reply, session, backchannel);
    return finish(reply, logout);
  });

  app.get('/session/end/done', async (request, reply) =>
    sendPage(reply, renderSignedOut(options.pages.for(request, singleParams(request.query, 'query').ui_locales))),
  );
}
