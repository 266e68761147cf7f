import type { AuditLog } from '../audit/audit-log.js';
import type { BackchannelLogout } from '../logout/backchannel-logout.js';
import { revokeSessionGrants } from '../logout/revoke-session-grants.js';
import type { Sessions } from '../session/sessions.js';
import type { GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';

export interface EndUserSessionsDeps {
  sessions: Pick<Sessions, 'endAllOfUser' | 'endOfUser'>;
  grantsStore: Pick<GrantsStore, 'findBySid' | 'revoke'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
  /** Tells the clients of each ended session (the server has one; the CLI does not). */
  backchannel?: Pick<BackchannelLogout, 'notify'>;
}

/** Which of the user's sessions to end: one by sid, or all (but the one in use). */
export type SessionsToEnd = { sid: string } | { allExcept?: string };

export interface EndedBy {
  /** `user` on the account page, `operator` from the CLI. */
  actor: 'user' | 'operator';
  address?: string;
}

/**
 * Ends sessions of one user, never another's (a sid from a form is checked against the owner),
 * with the tokens that die with a session (revokeSessionGrants: the logout rule). Returns the
 * sids ended; none when the named session is not a live one of this user.
 */
export async function endUserSessions(deps: EndUserSessionsDeps, userId: string, which: SessionsToEnd, by: EndedBy): Promise<string[]> {
  const ended =
    'sid' in which
      ? (await deps.sessions.endOfUser(which.sid, userId))
        ? [which.sid]
        : []
      : await deps.sessions.endAllOfUser(userId, which.allExcept);
  const now = deps.clock.nowSeconds();
  let revokedGrants = 0;
  for (const sid of ended) {
    revokedGrants += await revokeSessionGrants(deps.grantsStore, sid, now);
    deps.backchannel?.notify({ sid, userId });
  }
  if (ended.length > 0)
    await deps.audit.record({
      type: 'session.revoked',
      userId,
      address: by.address,
      detail: { by: by.actor, sessions: ended.length, revoked_grants: revokedGrants },
    });
  return ended;
}
