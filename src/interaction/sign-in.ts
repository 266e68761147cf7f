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
  if (!account.allowed || !from.allowed) return { failure: 'throttled', retryAfter: Math.max(account.retryAfter, from.retryAfter) };

  const user = await provider.users.authenticate(username, password);
  if (user) {
    await provider.rateLimiter.reset(accountKey);
    return { user };
  }
  const [a, b] = await Promise.all([
    provider.rateLimiter.hit(accountKey, maxFailuresPerAccount, window),
    provider.rateLimiter.hit(addressKey, maxFailuresPerAddress, window),
  ]);
  return { failure: 'invalid', retryAfter: a.allowed && b.allowed ? 0 : Math.max(a.retryAfter, b.retryAfter) };
}
