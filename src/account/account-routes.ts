import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import { changePassword, type ChangePasswordDeps } from '../accounts/change-password.js';
import { endUserSessions, type EndUserSessionsDeps } from '../accounts/end-user-sessions.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { KeySet } from '../keys/key-set.js';
import { BackchannelLogout } from '../logout/backchannel-logout.js';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import { formParams, singleParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import type { KnownBrowsers } from '../session/known-browser.js';
import type { Sessions } from '../session/sessions.js';
import type { ConsentsStore, GrantsStore } from '../storage/ports.js';
import type { Config } from '../config/load-config.js';
import { sendPage } from '../interaction/layout.js';
import type { PageContexts } from '../interaction/page-context.js';
import { signIn, type SignInDeps } from '../interaction/sign-in.js';
import {
  renderAccountHome,
  renderApplicationsPage,
  renderPasswordChanged,
  renderPasswordPage,
  renderSessionsPage,
  type AccountUrls,
} from '../interaction/account-pages.js';
import type { AccountGuard } from './require-sign-in.js';
import { revokeApplication, type RevokeApplicationDeps } from './revoke-application.js';

export interface AccountRoutesOptions
  extends
    Omit<SignInDeps, 'config' | 'users'>,
    Omit<ChangePasswordDeps, 'config' | 'users' | 'grantsStore' | 'sessions'>,
    Omit<EndUserSessionsDeps, 'grantsStore' | 'sessions'>,
    Omit<RevokeApplicationDeps, 'grantsStore' | 'consents'> {
  issuer: string;
  /** The reader's language and the brand. */
  pages: PageContexts;
  config: Pick<Config, 'signIn' | 'passwordChange'>;
  grantsStore: Pick<GrantsStore, 'revokeAllOfUser' | 'revokeAllOfUserAndClient' | 'findBySid' | 'revoke'>;
  csrf: CsrfOptions;
  guard: AccountGuard;
  users: Pick<UserDirectory, 'authenticate' | 'findByUsername' | 'setPassword'>;
  sessions: Pick<Sessions, 'endAllOfUser' | 'endOfUser' | 'listOfUser' | 'clientsOf'>;
  knownBrowsers: Pick<KnownBrowsers, 'identify'>;
  consents: Pick<ConsentsStore, 'find' | 'forget' | 'listOfUser'>;
  clients: Pick<ClientRegistry, 'find'>;
  /** Scope name → what the consent page says of it. */
  scopes: Map<string, string>;
  /** Signs the logout tokens sent to the apps of a session signed out here. */
  keys: KeySet;
  /** The `sub` each client knows a person by (pairwise or public), for logout tokens. */
  subjects: Pick<SubjectIdentifiers, 'forClient'>;
  outbound: OutboundFetch;
  /** Link to the linked sign-in providers (connectors configured). */
  withIdentities?: boolean;
}

/** Messages after an action, chosen by a fixed key: nothing from the query string is shown. */
const NOTICES: Record<string, string> = {
  ended: 'account:notice_ended',
  'ended-others': 'account:notice_ended_others',
  revoked: 'account:notice_revoked',
};

/**
 * The account page (`/account`): signed-in people see their profile, change their password,
 * see and sign out their sessions, and take back access they gave to apps. Every form carries
 * the CSRF token; every action names its target (a sid, a client_id) and is checked against
 * the signed-in user, so a form cannot reach someone else's session or consent.
 */
export async function accountRoutes(app: FastifyInstance, options: AccountRoutesOptions): Promise<void> {
  const { issuer, csrf, guard } = options;
  const urls: AccountUrls = {
    home: `${issuer}/account`,
    password: `${issuer}/account/password`,
    sessions: `${issuer}/account/sessions`,
    applications: `${issuer}/account/applications`,
    security: `${issuer}/account/security`,
    signOut: `${issuer}/session/end`,
    identities: options.withIdentities ? `${issuer}/account/identities` : undefined,
  };
  const backchannel = new BackchannelLogout({
    issuer,
    keys: options.keys,
    subjects: options.subjects,
    clients: options.clients,
    sessions: options.sessions,
    logger: app.log,
    clock: options.clock,
    fetch: options.outbound,
  });
  app.addHook('onClose', () => backchannel.close());
  const seeOther = (reply: FastifyReply, location: string) =>
    reply.status(303).header('location', location).header('cache-control', 'no-store').send();
  const noticeOf = (request: FastifyRequest) => {
    const done = singleParams(request.query, 'query').done;
    return done !== undefined && Object.hasOwn(NOTICES, done) ? options.pages.for(request).t(NOTICES[done]) : undefined;
  };

  app.get('/account', async (request, reply) => {
    const holder = await guard.signedIn(request, reply, '/account');
    if (!holder) return reply;
    return sendPage(
      reply,
      renderAccountHome(options.pages.for(request), { urls, username: holder.user.username, claims: holder.user.claims }),
    );
  });

  // Password: a sensitive change, so a recent sign-in first, and the current password again.
  app.get('/account/password', async (request, reply) => {
    const holder = await guard.recentlySignedIn(request, reply, '/account/password');
    if (!holder) return reply;
    return sendPage(
      reply,
      renderPasswordPage(options.pages.for(request), { urls, csrf: csrfToken(request, reply, csrf), username: holder.user.username }),
    );
  });

  app.post('/account/password', async (request, reply) => {
    const holder = await guard.recentlySignedIn(request, reply, '/account/password');
    if (!holder) return reply;
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const { username } = holder.user;
    const ui = options.pages.for(request);
    const refuse = (error: string, status = 400) =>
      sendPage(reply, renderPasswordPage(ui, { urls, csrf: csrfToken(request, reply, csrf), username, error: ui.t(error) }), { status });
    const current = form.current_password ?? '';
    const next = form.new_password ?? '';
    if (!current || !next) return refuse('account:error_missing');
    // The rules every password meets (accounts/user-directory.ts): checked before any hashing.
    if (next.length < 8 || next.length > 1024) return refuse('account:error_length');
    if (next !== (form.confirm_password ?? '')) return refuse('account:error_mismatch');
    if (next === current) return refuse('account:error_same');
    // The current password counts against the same throttling as the sign-in form.
    const knownBrowser = options.knownBrowsers.identify(request, username);
    const checked = await signIn(options, { username, password: current, address: request.ip, knownBrowser });
    if ('failure' in checked) {
      if (checked.failure === 'throttled') {
        reply.header('retry-after', String(Math.max(1, checked.retryAfter)));
        return refuse('account:error_throttled', 429);
      }
      return refuse('account:error_wrong');
    }
    const changed = await changePassword({ ...options, backchannel }, username, next, {
      keepSid: holder.session.sid,
      by: 'user',
      address: request.ip,
    });
    if (!changed) throw new InvalidRequestNoRedirect('this account no longer exists');
    return sendPage(reply, renderPasswordChanged(options.pages.for(request), urls, changed.endedSessions));
  });

  app.get('/account/sessions', async (request, reply) => {
    const holder = await guard.signedIn(request, reply, '/account/sessions');
    if (!holder) return reply;
    const sessions = (await options.sessions.listOfUser(holder.user.id)).map((s) => ({ ...s, current: s.sid === holder.session.sid }));
    return sendPage(
      reply,
      renderSessionsPage(options.pages.for(request), {
        urls,
        csrf: csrfToken(request, reply, csrf),
        sessions,
        notice: noticeOf(request),
      }),
    );
  });

  app.post('/account/sessions/end', async (request, reply) => {
    const holder = await guard.signedIn(request, reply, '/account/sessions');
    if (!holder) return reply;
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const sid = form.sid;
    if (!sid) throw new InvalidRequestNoRedirect('no session was named');
    if (sid === holder.session.sid) throw new InvalidRequestNoRedirect('to sign out of this browser, use Sign out');
    const ended = await endUserSessions({ ...options, backchannel }, holder.user.id, { sid }, { actor: 'user', address: request.ip });
    if (ended.length === 0) throw new InvalidRequestNoRedirect('that session is not one of yours, or it has already ended');
    return seeOther(reply, `${urls.sessions}?done=ended`);
  });

  app.post('/account/sessions/end-others', async (request, reply) => {
    const holder = await guard.signedIn(request, reply, '/account/sessions');
    if (!holder) return reply;
    verifyCsrf(request, formParams(request), csrf);
    await endUserSessions(
      { ...options, backchannel },
      holder.user.id,
      { allExcept: holder.session.sid },
      { actor: 'user', address: request.ip },
    );
    return seeOther(reply, `${urls.sessions}?done=ended-others`);
  });

  app.get('/account/applications', async (request, reply) => {
    const holder = await guard.signedIn(request, reply, '/account/applications');
    if (!holder) return reply;
    const consents = await options.consents.listOfUser(holder.user.id);
    const applications = await Promise.all(
      consents.map(async (consent) => {
        const client = await options.clients.find(consent.clientId);
        return {
          clientId: consent.clientId,
          name: client?.metadata.client_name ?? consent.clientId,
          scopes: consent.scopes.map((name) => ({ name, description: options.scopes.get(name) ?? name })),
          claims: consent.claims,
          createdAt: consent.createdAt,
          updatedAt: consent.updatedAt,
        };
      }),
    );
    return sendPage(
      reply,
      renderApplicationsPage(options.pages.for(request), {
        urls,
        csrf: csrfToken(request, reply, csrf),
        applications,
        notice: noticeOf(request),
      }),
    );
  });

  app.post('/account/applications/revoke', async (request, reply) => {
    const holder = await guard.signedIn(request, reply, '/account/applications');
    if (!holder) return reply;
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const clientId = form.client_id;
    if (!clientId) throw new InvalidRequestNoRedirect('no app was named');
    if (!(await revokeApplication(options, holder.user.id, clientId, request.ip)))
      throw new InvalidRequestNoRedirect('you have not given that app access to your account');
    return seeOther(reply, `${urls.applications}?done=revoked`);
  });
}
