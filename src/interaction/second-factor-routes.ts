import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import { enrolledFactors, type MfaMethods } from '../authn/enrolled-factors.js';
import type { PendingSignIns } from '../authn/pending-sign-in.js';
import { looksLikeRecoveryCode } from '../authn/recovery-codes.js';
import { formParams, singleParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import type { KnownBrowsers } from '../session/known-browser.js';
import { loginUrl } from '../session/login-url.js';
import type { Sessions } from '../session/sessions.js';
import { sendPage } from './layout.js';
import { renderSignedInPage } from './login-page.js';
import { checkedReturnTo } from './return-to.js';
import { renderSecondFactorPage } from './second-factor-page.js';
import { throttledAttempt, type SignInDeps } from './sign-in.js';
import { PasskeyRefused, type Passkeys } from '../passkeys/passkeys.js';
import { passkeySignInForm } from '../passkeys/passkey-fragments.js';
import type { PageContexts } from './page-context.js';
import type { ReturnToContext } from './return-to.js';

export interface SecondFactorRoutesOptions extends SignInDeps {
  issuer: string;
  csrf: CsrfOptions;
  sessions: Pick<Sessions, 'signIn' | 'current'>;
  users: SignInDeps['users'] & Pick<UserDirectory, 'findById'>;
  knownBrowsers: Pick<KnownBrowsers, 'identify' | 'remember'>;
  mfa: MfaMethods;
  pendingSignIns: PendingSignIns;
  describeReturnTo: (returnTo: string | undefined) => ReturnToContext;
  /** The reader's language and the brand. */
  pages: PageContexts;
  /** Passkeys as second factor, when passkeys are on. */
  passkeys?: Passkeys;
}

/** Who is at the second step: a right password waiting (sign-in), or a signed-in person stepping up. */
interface Candidate {
  userId: string;
  username: string;
  /** Methods of the first step, for a sign-in; a step-up adds to the session's own. */
  methods: string[];
  stepUp: boolean;
}

/**
 * The second step of a sign-in, and the step-up of a signed-in person (src/authorize asks for it
 * when a request needs the multi-factor level): `GET /login/second-factor?return_to=...` shows
 * the form, `POST` checks a TOTP code or a recovery code under the sign-in throttling (same
 * counters as passwords), and answers 303 to return_to once the session has both factors.
 */
export async function secondFactorRoutes(app: FastifyInstance, options: SecondFactorRoutesOptions): Promise<void> {
  const { issuer, csrf, mfa } = options;
  /** Nobody waits for a second factor here: the sign-in page, then back to `returnTo`. */
  const toSignIn = (reply: FastifyReply, returnTo: string | undefined) =>
    reply
      .status(303)
      .header('location', loginUrl(issuer, returnTo ?? '/'))
      .header('cache-control', 'no-store')
      .send();
  const action = `${issuer}/login/second-factor`;

  const candidate = async (request: FastifyRequest): Promise<Candidate | undefined> => {
    const pending = options.pendingSignIns.find(request);
    if (pending) return { ...pending, stepUp: false };
    const session = await options.sessions.current(request);
    const user = session && (await options.users.findById(session.userId));
    return user ? { userId: user.id, username: user.username, methods: [], stepUp: true } : undefined;
  };

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    who: Candidate,
    returnTo: string | undefined,
    error?: { key: string; vars?: Record<string, string | number> },
    status = 200,
  ) => {
    const factors = await enrolledFactors(mfa, who.userId);
    const csrfValue = csrfToken(request, reply, csrf);
    const context = options.describeReturnTo(returnTo);
    const ui = options.pages.for(request, context.uiLocales);
    const passkey =
      options.passkeys && factors.passkeys > 0
        ? passkeySignInForm({
            action: `${action}/passkey`,
            csrf: csrfValue,
            ceremony: await options.passkeys.startAuthentication(who.userId),
            returnTo,
            label: ui.t('mfa:use_passkey'),
            failedText: ui.t('mfa:passkey_not_used'),
          })
        : undefined;
    return sendPage(
      reply,
      renderSecondFactorPage(ui, {
        action,
        csrf: csrfValue,
        returnTo,
        username: who.username,
        clientName: context.clientName,
        totp: factors.totp,
        stepUp: who.stepUp,
        error: error && ui.t(error.key, error.vars),
        passkey: passkey?.html,
      }),
      { status, scriptHashes: passkey?.scriptHashes },
    );
  };

  app.get('/login/second-factor', async (request, reply) => {
    const returnTo = checkedReturnTo(singleParams(request.query, 'query').return_to);
    const who = await candidate(request);
    if (!who) return toSignIn(reply, returnTo);
    return show(request, reply, who, returnTo);
  });

  app.post('/login/second-factor', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const returnTo = checkedReturnTo(form.return_to);
    const who = await candidate(request);
    if (!who) return toSignIn(reply, returnTo);
    const code = (form.code ?? '').trim();
    if (!code) return show(request, reply, who, returnTo, { key: 'mfa:enter_code' }, 400);

    const recovery = looksLikeRecoveryCode(code);
    const result = await throttledAttempt(
      options,
      { username: who.username, address: request.ip, knownBrowser: options.knownBrowsers.identify(request, who.username) },
      async () => {
        if (recovery) return (await mfa.recoveryCodes.use(who.userId, code)) ? ('recovery_code' as const) : 'invalid';
        if (!mfa.totp) return 'invalid';
        const check = await mfa.totp.check(who.userId, code, 'active');
        return check === 'ok' ? ('totp' as const) : check;
      },
    );
    if ('failure' in result) {
      if (result.failure === 'throttled') {
        reply.header('retry-after', String(Math.max(1, result.retryAfter)));
        const minutes = Math.max(1, Math.ceil(result.retryAfter / 60));
        return show(request, reply, who, returnTo, { key: 'mfa:throttled', vars: { minutes } }, 429);
      }
      const key = recovery ? 'mfa:wrong_recovery_code' : result.reason === 'replayed' ? 'mfa:replayed_code' : 'mfa:wrong_code';
      return show(request, reply, who, returnTo, { key });
    }

    // A recovery code stands in for the one-time code: RFC 8176 `otp` either way.
    await options.sessions.signIn(request, reply, who.userId, { methods: [...who.methods, 'otp'], stepUp: who.stepUp });
    options.pendingSignIns.clear(reply);
    if (!who.stepUp) options.knownBrowsers.remember(reply, who.username);
    await options.audit.record({
      type: 'signin.success',
      userId: who.userId,
      address: request.ip,
      detail: { second_factor: result.value },
    });
    if (returnTo) return reply.status(303).header('location', `${issuer}${returnTo}`).header('cache-control', 'no-store').send();
    return sendPage(reply, renderSignedInPage(options.pages.for(request), who.username, `${issuer}/account`));
  });

  if (options.passkeys) {
    const passkeys = options.passkeys;
    app.post('/login/second-factor/passkey', async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const returnTo = checkedReturnTo(form.return_to);
      const who = await candidate(request);
      if (!who) return toSignIn(reply, returnTo);
      let used;
      try {
        used = await passkeys.finishAuthentication(form.handle ?? '', form.response ?? '', who.userId);
      } catch (err) {
        if (!(err instanceof PasskeyRefused)) throw err;
        await options.audit.record({
          type: 'signin.failure',
          userId: who.userId,
          address: request.ip,
          detail: { reason: 'passkey_refused' },
        });
        return show(request, reply, who, returnTo, { key: `mfa:passkey_${err.reason}`, vars: { detail: err.detail } }, 400);
      }
      await options.sessions.signIn(request, reply, who.userId, { methods: [...who.methods, ...used.methods], stepUp: who.stepUp });
      options.pendingSignIns.clear(reply);
      if (!who.stepUp) options.knownBrowsers.remember(reply, who.username);
      await options.audit.record({ type: 'signin.success', userId: who.userId, address: request.ip, detail: { second_factor: 'passkey' } });
      if (returnTo) return reply.status(303).header('location', `${issuer}${returnTo}`).header('cache-control', 'no-store').send();
      return sendPage(reply, renderSignedInPage(options.pages.for(request), who.username, `${issuer}/account`));
    });
  }
}
