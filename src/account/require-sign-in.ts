import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/user.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { Session, Sessions } from '../session/sessions.js';
import { loginUrl } from '../session/login-url.js';
import type { Clock } from '../util/clock.js';

export interface AccountGuardOptions {
  issuer: string;
  sessions: Pick<Sessions, 'current'>;
  users: Pick<UserDirectory, 'findById'>;
  /** Seconds a sign-in counts as recent (config `account.reauthenticateAfter`). */
  reauthenticateAfter: number;
  clock: Clock;
}

/** The person a guarded account page is for. */
export interface AccountHolder {
  session: Session;
  user: User;
}

/**
 * The account pages' gate, for every room that serves pages under /account (the security pages
 * of passkeys and one-time codes use it too). Each method answers with the holder, or
 * undefined after it has sent the browser (303) to the sign-in page that comes back to
 * `returnTo` (a local path, e.g. `/account/password`); the route then returns the reply:
 *
 *   const holder = await guard.recentlySignedIn(request, reply, '/account/password');
 *   if (!holder) return reply;
 */
export interface AccountGuard {
  /** A signed-in, enabled person; otherwise the sign-in page. */
  signedIn(request: FastifyRequest, reply: FastifyReply, returnTo: string): Promise<AccountHolder | undefined>;
  /**
   * For sensitive changes: as `signedIn`, and the last sign-in at most `reauthenticateAfter`
   * seconds ago (the session's auth_time, as OIDC Core §3.1.2.1 max_age reads it); otherwise the
   * sign-in page asks for the password again (`reauth=1`, the username filled in). A sign-in
   * there renews auth_time and comes back.
   */
  recentlySignedIn(request: FastifyRequest, reply: FastifyReply, returnTo: string): Promise<AccountHolder | undefined>;
}

export function accountGuard(options: AccountGuardOptions): AccountGuard {
  const send = (reply: FastifyReply, location: string) => {
    // 303: after a POST the browser follows with GET (RFC 9110 §15.4.4).
    void reply.status(303).header('location', location).header('cache-control', 'no-store').send();
    return undefined;
  };
  const signedIn = async (request: FastifyRequest, reply: FastifyReply, returnTo: string) => {
    const session = await options.sessions.current(request);
    const user = session && (await options.users.findById(session.userId));
    if (!session || !user || user.disabledAt !== null) return send(reply, loginUrl(options.issuer, returnTo));
    return { session, user };
  };
  return {
    signedIn,
    async recentlySignedIn(request, reply, returnTo) {
      const holder = await signedIn(request, reply, returnTo);
      if (!holder) return undefined;
      if (options.clock.nowSeconds() - holder.session.authTime <= options.reauthenticateAfter) return holder;
      return send(reply, `${loginUrl(options.issuer, returnTo, holder.user.username)}&reauth=1`);
    },
  };
}
