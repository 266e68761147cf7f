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
 * (OWASP authentication guidance). Counts failures only; a success clears the
 * account's counter. Unknown usernames cost the same time (UserDirectory.authenticate).
 */
export async function signIn(deps: SignInDeps, username: string, password: string, address: string): Promise<SignInResult> {
  const { maxFailuresPerAccount, maxFailuresPerAddress, window } = deps.config.signIn;
  const accountKey = `signin:account:${username.toLowerCase()}`;
  const addressKey = `signin:address:${address}`;
  const [account, from] = await Promise.all([
    deps.rateLimiter.peek(accountKey, maxFailuresPerAccount),
    deps.rateLimiter.peek(addressKey, maxFailuresPerAddress),
  ]);
  // Refuse before checking the password, so a throttled account cannot be probed.
  if (!account.allowed || !from.allowed) {
    await recordFailure(deps, username, address, 'throttled');
    return { failure: 'throttled', retryAfter: Math.max(account.retryAfter, from.retryAfter) };
  }

  const user = await deps.users.authenticate(username, password);
  if (user) {
    await deps.rateLimiter.reset(accountKey);
    await deps.audit.record({ type: 'signin.success', userId: user.id, address });
    return { user };
  }
  const [a, b] = await Promise.all([
    deps.rateLimiter.hit(accountKey, maxFailuresPerAccount, window),
    deps.rateLimiter.hit(addressKey, maxFailuresPerAddress, window),
  ]);
  await recordFailure(deps, username, address, 'bad_credentials');
  return { failure: 'invalid', retryAfter: a.allowed && b.allowed ? 0 : Math.max(a.retryAfter, b.retryAfter) };
}

/** Metrics and audit of a failed sign-in. The typed username is not stored (it may be a mistyped password): only a known account's id. */
async function recordFailure(deps: SignInDeps, username: string, address: string, reason: 'throttled' | 'bad_credentials'): Promise<void> {
  deps.metrics.signInFailed(reason);
  const user = await deps.users.findByUsername(username).catch(() => undefined);
  await deps.audit.record({ type: 'signin.failure', userId: user?.id, address, detail: { reason } });
}
