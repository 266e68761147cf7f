import type { FastifyReply } from 'fastify';
import type { Provider } from '../provider.js';
import type { Session } from '../session/sessions.js';
import type { BackchannelLogout } from './backchannel-logout.js';

/**
 * Ends the browser session everywhere: the session row (so prompt=none now answers
 * login_required), the cookie, the tokens bound to it, and the clients that took part
 * (back-channel, in the background).
 */
export async function endBrowserSession(provider: Provider, reply: FastifyReply, session: Session, backchannel: BackchannelLogout): Promise<void> {
  await provider.sessions.end(session.sid);
  provider.sessions.clearCookie(reply);
  const now = provider.clock.nowSeconds();
  for (const grant of await provider.grantsStore.findBySid(session.sid)) {
    // Tokens of the session die with it; offline_access was asked for precisely to outlive it (OIDC Core §11).
    if (grant.revokedAt !== null || grant.scope.split(' ').includes('offline_access')) continue;
    await provider.grantsStore.revoke(grant.id, now);
  }
  backchannel.notify({ sid: session.sid, userId: session.userId });
}
