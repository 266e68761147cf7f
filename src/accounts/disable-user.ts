import type { AuditLog } from '../audit/audit-log.js';
import type { Sessions } from '../session/sessions.js';
import type { GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { User } from './user.js';
import type { UserDirectory } from './user-directory.js';

export interface DisableUserDeps {
  users: Pick<UserDirectory, 'setDisabled'>;
  grantsStore: Pick<GrantsStore, 'revokeAllOfUser'>;
  sessions: Pick<Sessions, 'endAllOfUser'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

export interface UserDisabled {
  user: User;
  endedSessions: number;
}

/**
 * The operator disables an account: it can no longer sign in, every browser session ends and
 * every grant is revoked with its refresh and access tokens (JWT access tokens of user grants
 * are recorded under their grant, so they stop at userinfo and introspection too). Userinfo,
 * introspection and the token endpoint also check the flag themselves. Undefined when there is
 * no such user. Enabling again does not bring anything back: the person signs in afresh.
 */
export async function disableUser(deps: DisableUserDeps, username: string): Promise<UserDisabled | undefined> {
  const user = await deps.users.setDisabled(username, true);
  if (!user) return undefined;
  await deps.grantsStore.revokeAllOfUser(user.id, deps.clock.nowSeconds());
  const endedSessions = (await deps.sessions.endAllOfUser(user.id)).length;
  await deps.audit.record({ type: 'user.disabled', userId: user.id, detail: { ended_sessions: endedSessions } });
  return { user, endedSessions };
}

/** Lets a disabled account sign in again. Undefined when there is no such user. */
export async function enableUser(deps: DisableUserDeps, username: string): Promise<User | undefined> {
  const user = await deps.users.setDisabled(username, false);
  if (user) await deps.audit.record({ type: 'user.enabled', userId: user.id });
  return user;
}
