import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formParams, singleParams } from '../protocol/params.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import type { Sessions } from '../session/sessions.js';
import type { KnownBrowsers } from '../session/known-browser.js';
import { renderLoginPage, renderSignedInPage } from './login-page.js';
import { sendPage } from './layout.js';
import { isSafeReturnTo } from './return-to.js';
import { signIn, type SignInDeps } from './sign-in.js';

export interface LoginRoutesOptions extends SignInDeps {
  issuer: string;
  csrf: CsrfOptions;
  sessions: Pick<Sessions, 'signIn'>;
  /** Device cookies: a browser that signed in to an account before keeps its own sign-in allowance. */
  knownBrowsers: Pick<KnownBrowsers, 'identify' | 'remember'>;
  /** The name of the app a sign-in is for, read from its return_to by the room that made it. */
  describeReturnTo: (returnTo: string | undefined) => string | undefined;
}

/**
 * The sign-in page, shared by every flow: `GET /login?return_to=/local/path[&login_hint=...]`
 * shows the form; a successful `POST /login` answers 303 to the issuer + return_to.
 */
export async function loginRoutes(app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { issuer, csrf } = options;
  const action = `${issuer}/login`;

  const show = (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: { returnTo?: string; loginHint?: string; error?: string; notice?: string },
    status = 200,
  ) =>
    sendPage(
      reply,
      renderLoginPage({ action, csrf: csrfToken(request, reply, csrf), clientName: options.describeReturnTo(fields.returnTo), ...fields }),
      { status },
    );

  app.get('/login', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    const returnTo = checkedReturnTo(query.return_to);
    // The account page asks for a recent sign-in before a sensitive change (account/require-sign-in.ts).
    const notice = query.reauth === '1' ? 'For your security, enter your password again to continue.' : undefined;
    return show(request, reply, { returnTo, loginHint: query.login_hint, notice });
  });

  app.post('/login', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const returnTo = checkedReturnTo(form.return_to);
    const username = (form.login ?? '').trim();
    const password = form.password ?? '';
    if (!username || !password)
      return show(request, reply, { returnTo, loginHint: username, error: 'Enter your username and password.' }, 400);

    const knownBrowser = options.knownBrowsers.identify(request, username);
    const result = await signIn(options, { username, password, address: request.ip, knownBrowser });
    if ('failure' in result) {
      if (result.failure === 'throttled') {
        reply.header('retry-after', String(Math.max(1, result.retryAfter)));
        const minutes = Math.max(1, Math.ceil(result.retryAfter / 60));
        const wait = `${minutes} minute${minutes === 1 ? '' : 's'}`;
        return show(
          request,
          reply,
          {
            returnTo,
            loginHint: username,
            error: `Too many failed sign-in attempts. For your security, please wait ${wait} and try again.`,
          },
          429,
        );
      }
      if (result.failure === 'disabled')
        return show(
          request,
          reply,
          { returnTo, loginHint: username, error: 'This account is disabled. Ask the administrator of this service to enable it.' },
          403,
        );
      return show(request, reply, { returnTo, loginHint: username, error: 'That username and password do not match. Please try again.' });
    }

    await options.sessions.signIn(request, reply, result.user.id, { amr: ['pwd'] });
    options.knownBrowsers.remember(reply, username);
    // A redirect after a POST is 303, so the browser follows it with GET (RFC 9110 §15.4.4).
    if (returnTo) return reply.status(303).header('location', `${issuer}${returnTo}`).header('cache-control', 'no-store').send();
    return sendPage(reply, renderSignedInPage(result.user.username, `${issuer}/account`));
  });
}

function checkedReturnTo(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isSafeReturnTo(value)) throw new InvalidRequestNoRedirect('return_to must be a path on this server');
  return value;
}
