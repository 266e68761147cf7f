import type { FastifyInstance } from 'fastify';
import { pageErrorHandler } from '../http/error-handler.js';
import { csrfToken, type CsrfOptions } from '../session/csrf.js';
import type { Clock } from '../util/clock.js';
import type { SecretBox } from '../util/secret-box.js';
import { ApiProblem } from './admin-api-client.js';
import { auditRoutes } from './audit-routes.js';
import { clientsRoutes } from './clients-routes.js';
import { CONSOLE_CALLBACK_PATH } from './console-client.js';
import { consoleContext, checkedForm, redirect, type ConsoleDeps } from './console-context.js';
import { ConsoleCookies } from './console-cookies.js';
import { sendConsolePage } from './console-layout.js';
import { ConsoleSignIn } from './console-sign-in.js';
import { keysRoutes } from './keys-routes.js';
import { notAdminPage, problemPage, refusedPage, signedOutPage } from './problem-pages.js';
import { selfFetch } from './self-fetch.js';
import { usersRoutes } from './users-routes.js';
import { html } from '../interaction/html.js';

export interface ConsoleRoutesOptions {
  issuer: string;
  csrf: CsrfOptions;
  /** Seals the console's cookies (createSecretBox(secret, 'admin-console')). */
  box: SecretBox;
  clock: Clock;
}

/**
 * `/admin`: the admin console. Server-rendered pages, no script; the console signs people in as
 * a relying party of this Tessera (code + PKCE, see console-sign-in.ts), keeps the admin API
 * token in a sealed HttpOnly cookie, and does everything through the admin API (`/admin/v1`).
 */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleRoutesOptions): Promise<void> {
  const fetcher = selfFetch(app);
  const cookies = new ConsoleCookies(options.box, options.csrf.secure, options.clock);
  const signIn = new ConsoleSignIn({ issuer: options.issuer, fetch: fetcher, clock: options.clock });
  const context = consoleContext({ issuer: options.issuer, fetch: fetcher, cookies, csrf: options.csrf });
  const deps: ConsoleDeps = { context, csrf: options.csrf, cookies };

  const showError = pageErrorHandler((_request, reply, error) => {
    sendConsolePage(
      reply,
      {
        title: 'That did not work',
        narrow: true,
        body: html`<h1>That did not work</h1>
<div class="alert" role="alert">${error.description}</div><p><a href="/admin">Back to the console</a></p>`,
      },
      error.status,
    );
  });
  app.setErrorHandler(async (err, request, reply) => {
    if (!(err instanceof ApiProblem)) return showError(err, request, reply);
    if (err.status === 401) {
      // The token expired or was revoked: sign in again, back to the page when it was a GET.
      cookies.endSession(reply);
      return redirect(reply, `/admin/login?return_to=${encodeURIComponent(request.method === 'GET' ? request.url : '/admin')}`);
    }
    // The admin role was taken away after sign-in.
    if (err.status === 403) return sendConsolePage(reply, notAdminPage(), 403);
    const back = request.method === 'GET' ? '/admin' : request.url.split('?')[0].replace(/\/[^/]+$/, '') || '/admin';
    const session = cookies.session(request);
    const admin = session && { displayName: session.displayName, csrf: csrfToken(request, reply, options.csrf) };
    return sendConsolePage(reply, problemPage(err, back, admin), err.status >= 500 ? 502 : err.status);
  });

  app.get('/admin', (_request, reply) => redirect(reply, '/admin/clients'));

  app.get<{ Querystring: { return_to?: string } }>('/admin/login', async (request, reply) => {
    const { url, pending } = await signIn.start(localConsolePath(request.query.return_to));
    cookies.startPending(reply, pending);
    return redirect(reply, url);
  });

  app.get(CONSOLE_CALLBACK_PATH, async (request, reply) => {
    const pending = cookies.pending(request);
    cookies.endPending(reply);
    if (!pending)
      return sendConsolePage(
        reply,
        refusedPage('invalid_request', 'This sign-in was not started in this browser, or took too long. Start again.'),
        400,
      );
    const outcome = await signIn.finish(new URL(`${options.issuer}${request.url}`), pending);
    // A page of its own, so the used code leaves the address bar.
    if (outcome.kind === 'not-admin') return redirect(reply, '/admin/not-an-administrator');
    if (outcome.kind === 'refused') return sendConsolePage(reply, refusedPage(outcome.error, outcome.description), 400);
    cookies.startSession(reply, outcome.session);
    return redirect(reply, pending.returnTo);
  });

  app.post('/admin/logout', async (request, reply) => {
    checkedForm(request, options.csrf);
    cookies.endSession(reply);
    return redirect(reply, '/admin/signed-out');
  });
  app.get('/admin/not-an-administrator', (_request, reply) => sendConsolePage(reply, notAdminPage(), 403));
  app.get('/admin/signed-out', (_request, reply) => sendConsolePage(reply, signedOutPage()));

  await app.register(clientsRoutes, deps);
  await app.register(usersRoutes, deps);
  await app.register(keysRoutes, deps);
  await app.register(auditRoutes, deps);
}

/** Only a console path may be where a sign-in returns: never another site (no open redirect). */
function localConsolePath(returnTo: string | undefined): string {
  return typeof returnTo === 'string' && /^\/admin(\/[^/\\]|\/?$|\?)/.test(returnTo) && !returnTo.includes('\\') ? returnTo : '/admin';
}
