import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { User } from '../accounts/user.js';
import type { AuditLog } from '../audit/audit-log.js';
import { assuranceLevel, LEVEL_MFA } from '../authn/assurance.js';
import { enrolledFactors, hasSecondFactor, type MfaMethods } from '../authn/enrolled-factors.js';
import { formParams, singleParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import { loginUrl, stepUpUrl } from '../session/login-url.js';
import type { Session, Sessions } from '../session/sessions.js';
import type { PasskeysStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { PasskeyRefused, type Passkeys } from '../passkeys/passkeys.js';
import { passkeyRegisterForm } from '../passkeys/passkey-fragments.js';
import { sendPage } from '../interaction/layout.js';
import type { PageContexts } from '../interaction/page-context.js';
import { checkedReturnTo } from '../interaction/return-to.js';
import { renderRecoveryCodesPage, renderSecurityPage, renderTotpEnrollPage } from './security-pages.js';

export const SECURITY_PATH = '/account/security';

export interface SecurityRoutesOptions {
  issuer: string;
  /** The brand (these pages are English until their texts are in the catalogues). */
  pages: PageContexts;
  csrf: CsrfOptions;
  sessions: Pick<Sessions, 'current' | 'signIn'>;
  users: Pick<UserDirectory, 'findById'>;
  mfa: MfaMethods;
  /** Passkey management (rename, remove), when passkeys are on. */
  passkeys?: Pick<PasskeysStore, 'listOfUser' | 'rename' | 'remove'>;
  /** Passkey registration ceremonies, when passkeys are on. */
  ceremonies?: Passkeys;
  audit: Pick<AuditLog, 'record'>;
  /** Seconds since the last sign-in within which removing a factor or making new codes is allowed (config mfa.reauthenticateWithin). */
  reauthenticateWithin: number;
  clock: Clock;
}

interface Signed {
  session: Session;
  user: User;
}

/**
 * `/account/security`: a signed-in person manages their second factors. Changing what protects
 * an account is itself protected: a person who has a second factor must have used one in this
 * sign-in (else the step-up page), and removing a factor or making new recovery codes needs a
 * sign-in within `reauthenticateWithin` (else the sign-in page). Every change is audited.
 * With `return_to` (a policy requires a second factor and the person has none), setting one up
 * leads back there.
 */
export async function securityRoutes(app: FastifyInstance, options: SecurityRoutesOptions): Promise<void> {
  const { issuer, csrf, mfa } = options;
  const base = `${issuer}${SECURITY_PATH}`;
  const back = (returnTo: string | undefined) =>
    returnTo ? `${SECURITY_PATH}?${new URLSearchParams({ return_to: returnTo })}` : SECURITY_PATH;
  const redirect = (reply: FastifyReply, url: string) =>
    reply.status(303).header('location', url).header('cache-control', 'no-store').send();

  /** The signed-in person, or a 303 to the sign-in page (undefined). */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply, returnTo: string | undefined): Promise<Signed | undefined> => {
    const session = await options.sessions.current(request);
    const user = session && (await options.users.findById(session.userId));
    if (!session || !user) {
      await redirect(reply, loginUrl(issuer, back(returnTo)));
      return undefined;
    }
    return { session, user };
  };

  /** For changes: the person's existing second factor was used in this sign-in, and (`recent`) not long ago. */
  const mayChange = async (request: FastifyRequest, reply: FastifyReply, returnTo: string | undefined, recent: boolean) => {
    const who = await signedIn(request, reply, returnTo);
    if (!who) return undefined;
    const factors = await enrolledFactors(mfa, who.user.id);
    if (hasSecondFactor(factors) && assuranceLevel(who.session.methods) < LEVEL_MFA) {
      await redirect(reply, stepUpUrl(issuer, back(returnTo)));
      return undefined;
    }
    if (recent && options.clock.nowSeconds() - who.session.authTime > options.reauthenticateWithin) {
      await redirect(reply, loginUrl(issuer, back(returnTo), who.user.username));
      return undefined;
    }
    return { ...who, factors };
  };

  const showHome = async (
    request: FastifyRequest,
    reply: FastifyReply,
    who: Signed,
    returnTo: string | undefined,
    message: { notice?: string; error?: string } = {},
    status = 200,
  ) => {
    const factors = await enrolledFactors(mfa, who.user.id);
    const csrfValue = csrfToken(request, reply, csrf);
    const button =
      options.ceremonies &&
      passkeyRegisterForm({
        action: `${base}/passkeys/add`,
        csrf: csrfValue,
        ceremony: await options.ceremonies.startRegistration({ id: who.user.id, username: who.user.username }),
        returnTo,
        label: 'Add a passkey',
        nameLabel: 'Name of the new passkey',
        defaultName: 'Passkey',
        failedText: 'No passkey was used. You can try again.',
      });
    return sendPage(
      reply,
      renderSecurityPage(options.pages.inLanguage('en'), {
        base,
        csrf: csrfValue,
        username: who.user.username,
        factors,
        totpOffered: mfa.totp !== undefined,
        passkeys: options.passkeys && (await options.passkeys.listOfUser(who.user.id)),
        addPasskey: button?.html,
        returnTo,
        ...message,
      }),
      { status, scriptHashes: button?.scriptHashes },
    );
  };

  const showTotpEnrollment = async (
    request: FastifyRequest,
    reply: FastifyReply,
    enrollment: { secret: string; uri: string },
    returnTo: string | undefined,
    error?: string,
  ) => {
    const { default: qrcode } = await import('qrcode');
    const qrCode = await qrcode.toDataURL(enrollment.uri, { margin: 1, width: 200 });
    return sendPage(
      reply,
      renderTotpEnrollPage(options.pages.inLanguage('en'), {
        action: `${base}/totp/confirm`,
        csrf: csrfToken(request, reply, csrf),
        secret: enrollment.secret,
        qrCode,
        returnTo,
        error,
      }),
      { status: error ? 400 : 200 },
    );
  };

  /** After a first second factor: recovery codes, shown once, then on to where the person was going. */
  const afterFirstFactor = async (reply: FastifyReply, who: Signed, returnTo: string | undefined, what: string) => {
    const next = returnTo ? `${issuer}${returnTo}` : base;
    if ((await mfa.recoveryCodes.remaining(who.user.id)) > 0) return redirect(reply, next);
    const codes = await mfa.recoveryCodes.regenerate(who.user.id);
    return sendPage(
      reply,
      renderRecoveryCodesPage(options.pages.inLanguage('en'), {
        codes,
        next,
        intro: `${what} If you lose it, these codes let you sign in.`,
      }),
    );
  };

  app.get(SECURITY_PATH, async (request, reply) => {
    const returnTo = checkedReturnTo(singleParams(request.query, 'query').return_to);
    const who = await signedIn(request, reply, returnTo);
    if (!who) return reply;
    return showHome(request, reply, who, returnTo);
  });

  if (mfa.totp) {
    const totp = mfa.totp;
    app.post(`${SECURITY_PATH}/totp/start`, async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const returnTo = checkedReturnTo(form.return_to);
      const who = await mayChange(request, reply, returnTo, false);
      if (!who) return reply;
      const enrollment = await totp.start(who.user.id, who.user.username);
      if (!enrollment)
        return showHome(
          request,
          reply,
          who,
          returnTo,
          { error: 'An authenticator app is already set up. Remove it first to set up another.' },
          409,
        );
      return showTotpEnrollment(request, reply, enrollment, returnTo);
    });

    app.post(`${SECURITY_PATH}/totp/confirm`, async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const returnTo = checkedReturnTo(form.return_to);
      const who = await mayChange(request, reply, returnTo, false);
      if (!who) return reply;
      const pending = await totp.pending(who.user.id, who.user.username);
      if (!pending)
        return showHome(request, reply, who, returnTo, { error: 'There is no authenticator app being set up. Start again.' }, 409);
      const check = await totp.check(who.user.id, form.code ?? '', 'pending');
      if (check !== 'ok')
        return showTotpEnrollment(
          request,
          reply,
          pending,
          returnTo,
          'That code is not right. Enter the current 6-digit code from your app.',
        );
      // The code just checked is an authentication with the new factor: this sign-in now has it (RFC 8176 otp).
      await options.sessions.signIn(request, reply, who.user.id, { methods: ['otp'], stepUp: true });
      await options.audit.record({ type: 'mfa.enrolled', userId: who.user.id, address: request.ip, detail: { method: 'totp' } });
      return afterFirstFactor(reply, who, returnTo, 'Your authenticator app is on.');
    });

    app.post(`${SECURITY_PATH}/totp/remove`, async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const who = await mayChange(request, reply, undefined, true);
      if (!who) return reply;
      const removed = await totp.remove(who.user.id);
      if (removed)
        await options.audit.record({ type: 'mfa.removed', userId: who.user.id, address: request.ip, detail: { method: 'totp' } });
      return showHome(request, reply, who, undefined, {
        notice: removed ? 'The authenticator app was removed.' : 'No authenticator app was set up.',
      });
    });
  }

  app.post(`${SECURITY_PATH}/recovery-codes`, async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const who = await mayChange(request, reply, undefined, true);
    if (!who) return reply;
    const codes = await mfa.recoveryCodes.regenerate(who.user.id);
    await options.audit.record({ type: 'mfa.recovery_codes_created', userId: who.user.id, address: request.ip });
    return sendPage(
      reply,
      renderRecoveryCodesPage(options.pages.inLanguage('en'), { codes, next: base, intro: 'Here are your new recovery codes.' }),
    );
  });

  if (options.passkeys && options.ceremonies) {
    const passkeys = options.passkeys;
    const ceremonies = options.ceremonies;
    app.post(`${SECURITY_PATH}/passkeys/add`, async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const returnTo = checkedReturnTo(form.return_to);
      const who = await mayChange(request, reply, returnTo, false);
      if (!who) return reply;
      const name = (form.name ?? '').trim() || 'Passkey';
      if (name.length > 60) return showHome(request, reply, who, returnTo, { error: 'A passkey name is 1 to 60 characters.' }, 400);
      let methods: string[];
      try {
        methods = await ceremonies.finishRegistration(who.user.id, form.handle ?? '', form.response ?? '', name);
      } catch (err) {
        if (!(err instanceof PasskeyRefused)) throw err;
        return showHome(request, reply, who, returnTo, { error: err.message }, 400);
      }
      // Creating the credential proved possession of it (and the user's verification): this sign-in now has it.
      await options.sessions.signIn(request, reply, who.user.id, { methods, stepUp: true });
      await options.audit.record({ type: 'mfa.enrolled', userId: who.user.id, address: request.ip, detail: { method: 'passkey' } });
      if (returnTo) return afterFirstFactor(reply, who, returnTo, 'Your passkey is added.');
      return showHome(request, reply, who, undefined, { notice: `The passkey “${name}” was added.` });
    });

    app.post(`${SECURITY_PATH}/passkeys/rename`, async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const who = await mayChange(request, reply, undefined, false);
      if (!who) return reply;
      const name = (form.name ?? '').trim();
      if (!name || name.length > 60)
        return showHome(request, reply, who, undefined, { error: 'A passkey name is 1 to 60 characters.' }, 400);
      const renamed = await passkeys.rename(who.user.id, form.credential_id ?? '', name);
      return showHome(
        request,
        reply,
        who,
        undefined,
        renamed ? { notice: 'The passkey was renamed.' } : { error: 'No such passkey.' },
        renamed ? 200 : 404,
      );
    });

    app.post(`${SECURITY_PATH}/passkeys/remove`, async (request, reply) => {
      const form = formParams(request);
      verifyCsrf(request, form, csrf);
      const who = await mayChange(request, reply, undefined, true);
      if (!who) return reply;
      const removed = await passkeys.remove(who.user.id, form.credential_id ?? '');
      if (removed)
        await options.audit.record({ type: 'mfa.removed', userId: who.user.id, address: request.ip, detail: { method: 'passkey' } });
      return showHome(
        request,
        reply,
        who,
        undefined,
        removed ? { notice: 'The passkey was removed.' } : { error: 'No such passkey.' },
        removed ? 200 : 404,
      );
    });
  }
}
