import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formParams, singleParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import type { Sessions } from '../session/sessions.js';
import type { KnownBrowsers } from '../session/known-browser.js';
import { renderLoginPage, renderSignedInPage } from './login-page.js';
import { sendPage } from './layout.js';
import { checkedReturnTo } from './return-to.js';
import { signIn, type SignInDeps } from './sign-in.js';
import { enrolledFactors, hasSecondFactor, type MfaMethods } from '../authn/enrolled-factors.js';
import type { PendingSignIns } from '../authn/pending-sign-in.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import { PasskeyRefused, type Passkeys } from '../passkeys/passkeys.js';
import { passkeySignInForm } from '../passkeys/passkey-fragments.js';
import { renderConnectorButtons, type ConnectorButton } from '../connectors/connector-pages.js';
import type { PageContexts } from './page-context.js';
import type { ReturnToContext } from './return-to.js';

export interface LoginRoutesOptions extends SignInDeps {
  issuer: string;
  csrf: CsrfOptions;
  sessions: Pick<Sessions, 'signIn'>;
  /** Device cookies: a browser that signed in to an account before keeps its own sign-in allowance. */
  knownBrowsers: Pick<KnownBrowsers, 'identify' | 'remember'>;
  /** The app a sign-in is for and the language it asked for, read from its return_to by the room that made it. */
  describeReturnTo: (returnTo: string | undefined) => ReturnToContext;
  /** The reader's language and the brand. */
  pages: PageContexts;
  /** The second factors on offer: a person who has one is asked for it after the password. */
  mfa: MfaMethods;
  pendingSignIns: Pick<PendingSignIns, 'start'>;
  /** Passkey sign-in, when passkeys are on. */
  passkeys?: Passkeys;
  users: SignInDeps['users'] & Pick<UserDirectory, 'findById'>;
  /** The other identity providers offered as buttons (connectors, issue 14). */
  connectorButtons?: ConnectorButton[];
}

/** What the form says when a directory (LDAP connector) answered but nobody may be signed in (sign-in.ts). */
const REFUSALS: Partial<Record<string, { key: string; status: number }>> = {
  unavailable: { key: 'sign_in:directory_unavailable', status: 503 },
  'not-provisioned': { key: 'sign_in:not_provisioned', status: 403 },
  'account-exists': { key: 'sign_in:directory_account_exists', status: 403 },
};

/**
 * The sign-in page, shared by every flow: `GET /login?return_to=/local/path[&login_hint=...]`
 * shows the form; a successful `POST /login` answers 303 to the issuer + return_to.
 */
/** A message for the page, as a catalogue key and its values: translated once the page's language is known. */
interface Message {
  key: string;
  vars?: Record<string, string | number>;
}

export async function loginRoutes(app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { issuer, csrf } = options;
  const action = `${issuer}/login`;

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: { returnTo?: string; loginHint?: string; message?: Message; notice?: boolean },
    status = 200,
  ) => {
    const csrfValue = csrfToken(request, reply, csrf);
    const context = options.describeReturnTo(fields.returnTo);
    const ui = options.pages.for(request, context.uiLocales);
    const message = fields.message && ui.t(fields.message.key, fields.message.vars);
    // Passwordless: any discoverable passkey of this site, from the button or the username field's autofill.
    const passkey =
      options.passkeys &&
      passkeySignInForm({
        action: `${issuer}/login/passkey`,
        csrf: csrfValue,
        ceremony: await options.passkeys.startAuthentication(),
        returnTo: fields.returnTo,
        // Not after a failure: the autofill offer would start again at once.
        conditional: !fields.message,
        label: ui.t('sign_in:with_passkey'),
        failedText: ui.t('mfa:passkey_not_used'),
      });
    return sendPage(
      reply,
      renderLoginPage(ui, {
        action,
        csrf: csrfValue,
        clientName: context.clientName,
        passkey: passkey?.html,
        connectors: renderConnectorButtons(ui.t, issuer, options.connectorButtons ?? [], fields.returnTo),
        returnTo: fields.returnTo,
        loginHint: fields.loginHint,
        error: fields.message && !fields.notice ? message : undefined,
        notice: fields.notice ? message : undefined,
      }),
      { status, scriptHashes: passkey?.scriptHashes },
    );
  };

  app.get('/login', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    const returnTo = checkedReturnTo(query.return_to);
    // The account page asks for a recent sign-in before a sensitive change (account/require-sign-in.ts).
    const reauth = query.reauth === '1';
    return show(request, reply, {
      returnTo,
      loginHint: query.login_hint,
      ...(reauth ? { message: { key: 'sign_in:reauth_notice' }, notice: true } : {}),
    });
  });

  app.post('/login', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const returnTo = checkedReturnTo(form.return_to);
    const username = (form.login ?? '').trim();
    const password = form.password ?? '';
    if (!username || !password)
      return show(request, reply, { returnTo, loginHint: username, message: { key: 'sign_in:missing_fields' } }, 400);

    const knownBrowser = options.knownBrowsers.identify(request, username);
    const result = await signIn(options, { username, password, address: request.ip, knownBrowser });
    if ('failure' in result) {
      if (result.failure === 'throttled') {
        reply.header('retry-after', String(Math.max(1, result.retryAfter)));
        const minutes = Math.max(1, Math.ceil(result.retryAfter / 60));
        return show(request, reply, { returnTo, loginHint: username, message: { key: 'sign_in:throttled', vars: { minutes } } }, 429);
      }
      if (result.failure === 'disabled')
        return show(request, reply, { returnTo, loginHint: username, message: { key: 'sign_in:disabled' } }, 403);
      const refusal = REFUSALS[result.failure];
      if (refusal) return show(request, reply, { returnTo, loginHint: username, message: { key: refusal.key } }, refusal.status);
      return show(request, reply, { returnTo, loginHint: username, message: { key: 'sign_in:wrong_password' } });
    }

    // A person with a second factor gives it before anything is signed in (second-factor-routes.ts).
    if (hasSecondFactor(await enrolledFactors(options.mfa, result.user.id))) {
      options.pendingSignIns.start(reply, { userId: result.user.id, username: result.user.username, methods: ['pwd'] });
      const next = `${issuer}/login/second-factor${returnTo ? `?${new URLSearchParams({ return_to: returnTo })}` : ''}`;
      return reply.status(303).header('location', next).header('cache-control', 'no-store').send();
    }
    await options.sessions.signIn(request, reply, result.user.id, { methods: ['pwd'] });
    options.knownBrowsers.remember(reply, username);
    // A redirect after a POST is 303, so the browser follows it with GET (RFC 9110 §15.4.4).
    if (returnTo) return reply.status(303).header('location', `${issuer}${returnTo}`).header('cache-control', 'no-store').send();
    return sendPage(reply, renderSignedInPage(options.pages.for(request), result.user.username, `${issuer}/account`));
  });

  if (options.passkeys) {
    const passkeys = options.passkeys;
    app.post('/login/passkey', async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const returnTo = checkedReturnTo(form.return_to);
      let signedIn;
      try {
        signedIn = await passkeys.finishAuthentication(form.handle ?? '', form.response ?? '');
      } catch (err) {
        if (!(err instanceof PasskeyRefused)) throw err;
        await options.audit.record({ type: 'signin.failure', address: request.ip, detail: { reason: 'passkey_refused' } });
        return show(request, reply, { returnTo, message: { key: `mfa:passkey_${err.reason}`, vars: { detail: err.detail } } }, 400);
      }
      const user = await options.users.findById(signedIn.userId);
      if (!user) return show(request, reply, { returnTo, message: { key: 'sign_in:passkey_no_account' } }, 400);
      // Disabled by the operator (tessera users disable): a passkey does not let them in either.
      if (user.disabledAt !== null) {
        await options.audit.record({ type: 'signin.failure', userId: user.id, address: request.ip, detail: { reason: 'disabled' } });
        return show(request, reply, { returnTo, message: { key: 'sign_in:disabled' } }, 403);
      }
      await options.sessions.signIn(request, reply, user.id, { methods: signedIn.methods });
      options.knownBrowsers.remember(reply, user.username);
      await options.audit.record({ type: 'signin.success', userId: user.id, address: request.ip, detail: { method: 'passkey' } });
      if (returnTo) return reply.status(303).header('location', `${issuer}${returnTo}`).header('cache-control', 'no-store').send();
      return sendPage(reply, renderSignedInPage(options.pages.for(request), user.username, `${issuer}/account`));
    });
  }
}
