import type { FastifyReply } from 'fastify';
import type { Session, Sessions } from '../session/sessions.js';
import type { GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { BackchannelLogout } from './backchannel-logout.js';
import { revokeSessionGrants } from './revoke-session-grants.js';

export interface EndBrowserSessionDeps {
  sessions: Pick<Sessions, 'end' | 'clearCookie'>;
  grantsStore: Pick<GrantsStore, 'findBySid' | 'revoke'>;
  clock: Clock;
}

/**
 * Ends the browser session everywhere: the session row (so prompt=none now answers
 * login_required), the cookie, the tokens bound to it, and the clients that took part
 * (back-channel, in the background).
 */
export async function endBrowserSession(
  deps: EndBrowserSessionDeps,
  reply: FastifyReply,
  session: Session,
  backchannel: BackchannelLogout,
): Promise<void> {
  await deps.sessions.end(session.sid);
  deps.sessions.clearCookie(reply);
  await revokeSessionGrants(deps.grantsStore, session.sid, deps.clock.nowSeconds());
  backchannel.notify({ sid: session.sid, userId: session.userId });
}
