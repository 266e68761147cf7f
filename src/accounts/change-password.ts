import type { AuditLog } from '../audit/audit-log.js';
import type { BackchannelLogout } from '../logout/backchannel-logout.js';
import type { Config } from '../config/load-config.js';
import type { Sessions } from '../session/sessions.js';
import type { GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { UserDirectory } from './user-directory.js';

export interface ChangePasswordDeps {
  config: Pick<Config, 'passwordChange'>;
  users: Pick<UserDirectory, 'findByUsername' | 'setPassword'>;
  grantsStore: Pick<GrantsStore, 'revokeAllOfUser'>;
  sessions: Pick<Sessions, 'endAllOfUser'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
  /** Tells the clients of each ended session (the server has one; the CLI does not). */
  backchannel?: Pick<BackchannelLogout, 'notify'>;
}

export interface PasswordChanged {
  userId: string;
  /** Browser sessions ended (none when `passwordChange.revokeSessionsAndTokens` is off). */
  endedSessions: number;
  /** Whether the user's grants, with their refresh and access tokens, were revoked. */
  revokedTokens: boolean;
}

export interface ChangePasswordOptions {
  /** The session the person changed it from (the account page): it stays signed in, every other ends. */
  keepSid?: string;
  /** Who asked: `user` (account page) or `operator` (CLI, the default). */
  by?: 'user' | 'operator';
  address?: string;
}

/**
 * The one way a password changes (the CLI and the account page). Whoever knew the old
 * password may hold a session or a refresh token obtained with it, so by default every session
 * of the user ends and every grant is revoked (OWASP session management: renew on credential
 * change). Undefined when there is no such user.
 */
export async function changePassword(
  deps: ChangePasswordDeps,
  username: string,
  password: string,
  options: ChangePasswordOptions = {},
): Promise<PasswordChanged | undefined> {
  const user = await deps.users.findByUsername(username);
  if (!user || !(await deps.users.setPassword(username, password))) return undefined;
  const revoke = deps.config.passwordChange.revokeSessionsAndTokens;
  let endedSessions = 0;
  if (revoke) {
    await deps.grantsStore.revokeAllOfUser(user.id, deps.clock.nowSeconds());
    const ended = await deps.sessions.endAllOfUser(user.id, options.keepSid);
    // Back-Channel Logout §2.5: the clients of each ended session hear that it ended.
    for (const sid of ended) deps.backchannel?.notify({ sid, userId: user.id });
    endedSessions = ended.length;
  }
  await deps.audit.record({
    type: 'user.password_changed',
    userId: user.id,
    address: options.address,
    detail: { by: options.by ?? 'operator', ended_sessions: endedSessions, revoked_tokens: revoke },
  });
  return { userId: user.id, endedSessions, revokedTokens: revoke };
}
