import type { Provider } from '../provider.js';
import type { User } from '../accounts/user.js';

export type SignInResult = { user: User } | { failure: 'invalid' | 'throttled'; retryAfter: number };

/**
 * Checks a username and password, throttled per account and per client address
 * (issue 3; OWASP authentication guidance). Counts failures only; a success clears the
 * account's counter. Unknown usernames cost the same time (UserDirectory.authenticate).
 */
export async function signIn(provider: Provider, username: string, password: string, address: string): Promise<SignInResult> {
  const { maxFailuresPerAccount, maxFailuresPerAddress, window } = provider.config.signIn;
  const accountKey = `signin:account:${username.toLowerCase()}`;
  const addressKey = `signin:address:${address}`;
  const [account, from] = await Promise.all([
    provider.rateLimiter.peek(accountKey, maxFailuresPerAccount),
    provider.rateLimiter.peek(addressKey, maxFailuresPerAddress),
  ]);
  // Refuse before checking the password, so a throttled account cannot be probed.
  if (!account.allowed || !from.allowed) {
    await recordFailure(provider, username, address, 'throttled');
    return { failure: 'throttled', retryAfter: Math.max(account.retryAfter, from.retryAfter) };
  }

  const user = await provider.users.authenticate(username, password);
  if (user) {
    await provider.rateLimiter.reset(accountKey);
    await provider.audit.record({ type: 'signin.success', userId: user.id, address });
    return { user };
  }
  const [a, b] = await Promise.all([
    provider.rateLimiter.hit(accountKey, maxFailuresPerAccount, window),
    provider.rateLimiter.hit(addressKey, maxFailuresPerAddress, window),
  ]);
  await recordFailure(provider, username, address, 'bad_credentials');
  return { failure: 'invalid', retryAfter: a.allowed && b.allowed ? 0 : Math.max(a.retryAfter, b.retryAfter) };
}

/** Metrics and audit of a failed sign-in. The typed username is not stored (it may be a mistyped password): only a known account's id. */
async function recordFailure(provider: Provider, username: string, address: string, reason: 'throttled' | 'bad_credentials'): Promise<void> {
  provider.metrics.signInFailed(reason);
  const user = await provider.users.findByUsername(username).catch(() => undefined);
  await provider.audit.record({ type: 'signin.failure', userId: user?.id, address, detail: { reason } });
}
