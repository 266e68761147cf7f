import type { User } from '../accounts/user.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/load-config.js';
import type { ProviderMetrics } from '../metrics/provider-metrics.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { PasswordDirectories } from '../connectors/password-directories.js';

/**
 * - invalid: unknown username or wrong password (never told apart);
 * - throttled: too many failures, `retryAfter` seconds to wait;
 * - disabled: the right password for an account the operator (or the directory) disabled;
 * - unavailable: a directory that decides passwords could not be asked: nobody is signed in;
 * - not-provisioned / account-exists: the directory accepted the password, but no Tessera user
 *   may stand for that person (resolve-upstream-user.ts).
 */
export type SignInResult =
  | { user: User }
  | { failure: 'invalid' | 'throttled' | 'disabled' | 'unavailable' | 'not-provisioned' | 'account-exists'; retryAfter: number };

export interface SignInDeps {
  config: Pick<Config, 'signIn'>;
  rateLimiter: RateLimiter;
  users: Pick<UserDirectory, 'authenticate' | 'findByUsername'>;
  audit: Pick<AuditLog, 'record'>;
  metrics: Pick<ProviderMetrics, 'signInFailed'>;
  /** Directories (LDAP connectors) that decide the passwords of people who are not local users. */
  directories?: PasswordDirectories;
}

export interface SignInAttempt {
  username: string;
  password: string;
  /** The client address. */
  address: string;
  /** The browser's id when its device cookie is for this account (KnownBrowsers.identify). */
  knownBrowser?: string;
}

/** One counter an attempt takes a place in, and the limit it is held to. */
interface Counter {
  key: string;
  limit: number;
  window: number;
}

/**
 * Checks a username and password under the sign-in throttling policy (README, Security):
 * - a browser that signed in to this account before (device cookie) has its own allowance;
 * - any other attempt is limited per (account, address) and per address, and once the
 *   account has many failures from everywhere together it slows down: such browsers get one
 *   attempt per `slowDownInterval`, never a lock that would keep the owner out.
 * Each attempt takes its place in the shared counters before the password is hashed, atomically,
 * so parallel guesses on any instance count one each; a success gives its places back.
 * Unknown usernames are throttled and cost time like known ones (UserDirectory.authenticate).
 */
export async function signIn(deps: SignInDeps, attempt: SignInAttempt): Promise<SignInResult> {
  const result = await throttledAttempt(deps, attempt, async () => {
    // Local users first; then each directory in the connectors' order (docs/ldap.md, precedence).
    const local = await deps.users.authenticate(attempt.username, attempt.password);
    if (local) return { local };
    if (!deps.directories) return 'invalid';
    const answer = await deps.directories.check(attempt.username, attempt.password);
    return answer === 'rejected' ? 'invalid' : answer;
  });
  if ('failure' in result) return { failure: result.failure, retryAfter: result.retryAfter };
  const value = result.value;
  if ('local' in value) return admit(deps, attempt, value.local);
  if (value.outcome === 'accepted') {
    const resolved = await value.resolve();
    if (resolved.kind === 'signed-in') return admit(deps, attempt, resolved.user);
    return refuse(deps, attempt, resolved.reason);
  }
  return refuse(deps, attempt, value.outcome);
}

/** The right password: the user, unless the operator disabled them. */
async function admit(deps: SignInDeps, attempt: SignInAttempt, user: User): Promise<SignInResult> {
  // Disabled by the operator: said only to whoever knows the password, so guessing learns nothing.
  if (user.disabledAt !== null) return refuse(deps, attempt, 'disabled', user.id);
  await deps.audit.record({ type: 'signin.success', userId: user.id, address: attempt.address });
  return { user };
}

/** A sign-in that knew the password (or could not be checked) but is refused all the same. */
async function refuse(
  deps: SignInDeps,
  attempt: SignInAttempt,
  reason: 'disabled' | 'unavailable' | 'not-provisioned' | 'account-exists',
  userId?: string,
): Promise<SignInResult> {
  deps.metrics.signInFailed(reason);
  await deps.audit.record({ type: 'signin.failure', userId, address: attempt.address, detail: { reason } });
  return { failure: reason, retryAfter: 0 };
}

/** Who makes a guarded attempt, and from where. */
export interface AttemptSource {
  /** The account's username, as typed (it names the account's counters). */
  username: string;
  address: string;
  knownBrowser?: string;
}

export type AttemptResult<T> =
  { value: T } | { failure: 'throttled' | 'invalid' | 'unavailable'; reason?: 'invalid' | 'replayed'; retryAfter: number };

/**
 * Runs `check` (a password, a one-time code, a recovery code) under the sign-in throttling
 * policy above: the same shared counters, so guesses at a password and at a second factor draw
 * on one allowance. `check` answers the value of a success, or the reason of a failure;
 * `unavailable` (a directory that could not be asked) keeps its places like a failure, so
 * guesses at local passwords are not free while a directory is down.
 */
export async function throttledAttempt<T>(
  deps: SignInDeps,
  source: AttemptSource,
  check: () => Promise<T | 'invalid' | 'replayed' | 'unavailable'>,
): Promise<AttemptResult<T>> {
  const settings = deps.config.signIn;
  const account = source.username.toLowerCase();
  const counters: Counter[] = source.knownBrowser
    ? [{ key: `signin:browser:${source.knownBrowser}`, limit: settings.maxFailuresPerKnownBrowser, window: settings.window }]
    : [
        {
          key: `signin:account-address:${account}:${source.address}`,
          limit: settings.maxFailuresPerAccountAndAddress,
          window: settings.window,
        },
        { key: `signin:address:${source.address}`, limit: settings.maxFailuresPerAddress, window: settings.window },
      ];
  const taken: string[] = [];
  const refused = await reserve(deps.rateLimiter, counters, taken);
  const slowedDown = refused === undefined && !source.knownBrowser ? await reserveSlowDown(deps, account, taken) : undefined;
  const retryAfter = refused ?? slowedDown;
  if (retryAfter !== undefined) {
    // A refused attempt is not checked, so it costs only the limit that refused it.
    await Promise.all(taken.map((key) => deps.rateLimiter.undo(key)));
    await recordFailure(deps, source, 'throttled');
    return { failure: 'throttled', retryAfter };
  }

  const outcome = await check();
  if (outcome === 'unavailable') {
    await recordFailure(deps, source, 'unavailable');
    return { failure: 'unavailable', retryAfter: 0 };
  }
  if (outcome === 'invalid' || outcome === 'replayed') {
    await recordFailure(deps, source, outcome === 'replayed' ? 'code_reused' : 'bad_credentials');
    return { failure: 'invalid', reason: outcome as 'invalid' | 'replayed', retryAfter: 0 };
  }
  await Promise.all(taken.map((key) => deps.rateLimiter.undo(key)));
  return { value: outcome as T };
}

/** Takes a place in every counter (noting each taken in `taken`); the longest wait if any refused. */
async function reserve(limiter: RateLimiter, counters: Counter[], taken: string[]): Promise<number | undefined> {
  const results = await Promise.all(counters.map((c) => limiter.hit(c.key, c.limit, c.window)));
  let wait: number | undefined;
  results.forEach((result, i) => {
    if (result.allowed) taken.push(counters[i].key);
    else wait = Math.max(wait ?? 0, result.retryAfter);
  });
  return wait;
}

/**
 * The account-wide slow-down: past `maxFailuresPerAccount` failures within the window, attempts
 * from browsers the account does not know share one slot per `slowDownInterval`.
 */
async function reserveSlowDown(deps: SignInDeps, account: string, taken: string[]): Promise<number | undefined> {
  const { maxFailuresPerAccount, slowDownInterval, window } = deps.config.signIn;
  const accountKey = `signin:account:${account}`;
  const failures = await deps.rateLimiter.hit(accountKey, maxFailuresPerAccount, window);
  taken.push(accountKey);
  if (failures.allowed) return undefined;
  const slot = await deps.rateLimiter.hit(`signin:slow:${account}`, 1, slowDownInterval);
  return slot.allowed ? undefined : Math.max(1, slot.retryAfter);
}

/** Metrics and audit of a failed sign-in. The typed username is not stored (it may be a mistyped password): only a known account's id. */
async function recordFailure(
  deps: SignInDeps,
  attempt: AttemptSource,
  reason: 'throttled' | 'bad_credentials' | 'code_reused' | 'unavailable',
): Promise<void> {
  deps.metrics.signInFailed(reason === 'throttled' || reason === 'unavailable' ? reason : 'bad_credentials');
  const user = await deps.users.findByUsername(attempt.username).catch(() => undefined);
  await deps.audit.record({ type: 'signin.failure', userId: user?.id, address: attempt.address, detail: { reason } });
}
