import type { User } from '../accounts/user.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/load-config.js';
import type { ProviderMetrics } from '../metrics/provider-metrics.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';

export type SignInResult = { user: User } | { failure: 'invalid' | 'throttled'; retryAfter: number };

export interface SignInDeps {
  config: Pick<Config, 'signIn'>;
  rateLimiter: RateLimiter;
  users: Pick<UserDirectory, 'authenticate' | 'findByUsername'>;
  audit: Pick<AuditLog, 'record'>;
  metrics: Pick<ProviderMetrics, 'signInFailed'>;
}

/**
 * Checks a username and password, throttled per account and per client address
 * (OWASP authentication guidance). Each attempt is reserved in the shared counters before the
 * password is hashed, atomically, so parallel guesses (on any instance) count one each and a
 * throttled account cannot be probed; a success takes its reservation back and clears the
 * account's counter. Unknown usernames cost the same time (UserDirectory.authenticate).
 */
export async function signIn(deps: SignInDeps, username: string, password: string, address: string): Promise<SignInResult> {
  const { maxFailuresPerAccount, maxFailuresPerAddress, window } = deps.config.signIn;
  const accountKey = `signin:account:${username.toLowerCase()}`;
  const addressKey = `signin:address:${address}`;
  const [account, from] = await Promise.all([
    deps.rateLimiter.hit(accountKey, maxFailuresPerAccount, window),
    deps.rateLimiter.hit(addressKey, maxFailuresPerAddress, window),
  ]);
  if (!account.allowed || !from.allowed) {
    // A refused attempt is not checked, so it costs only the limit that refused it.
    await Promise.all([account.allowed && deps.rateLimiter.undo(accountKey), from.allowed && deps.rateLimiter.undo(addressKey)]);
    await recordFailure(deps, username, address, 'throttled');
    return { failure: 'throttled', retryAfter: Math.max(account.retryAfter, from.retryAfter) };
  }

  const user = await deps.users.authenticate(username, password);
  if (user) {
    await Promise.all([deps.rateLimiter.reset(accountKey), deps.rateLimiter.undo(addressKey)]);
    await deps.audit.record({ type: 'signin.success', userId: user.id, address });
    return { user };
  }
  await recordFailure(deps, username, address, 'bad_credentials');
  const last = account.count === maxFailuresPerAccount || from.count === maxFailuresPerAddress;
  return { failure: 'invalid', retryAfter: last ? Math.max(account.retryAfter, from.retryAfter) : 0 };
}

/** Metrics and audit of a failed sign-in. The typed username is not stored (it may be a mistyped password): only a known account's id. */
async function recordFailure(deps: SignInDeps, username: string, address: string, reason: 'throttled' | 'bad_credentials'): Promise<void> {
  deps.metrics.signInFailed(reason);
  const user = await deps.users.findByUsername(username).catch(() => undefined);
  await deps.audit.record({ type: 'signin.failure', userId: user?.id, address, detail: { reason } });
}
