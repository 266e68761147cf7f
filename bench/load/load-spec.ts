import type { DpopStep } from './dpop-proof-maker.js';

/** One request of a load: `{token}` in path, headers or body is replaced from the spec's token pool. */
export interface LoadStep {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send a fresh DPoP proof (RFC 9449) with every request, made with this key. */
  dpop?: DpopStep;
}

/**
 * What the load process runs with autocannon:
 * - `static`: the same request again and again;
 * - `rotate`: one request, `{token}` taken from `tokens` in turn (introspection, userinfo);
 * - `refresh`: `{token}` taken from `tokens` as a queue, and each response's `refresh_token`
 *   put back (rotation: each refresh token is used exactly once);
 * - `code-flow`: GET /auth with a session cookie, then `{code}` from its Location into the
 *   token request.
 * A unit (a token, an answer, a whole flow) counts when the last step answers 200.
 */
export interface LoadSpec {
  kind: 'static' | 'rotate' | 'refresh' | 'code-flow';
  url: string;
  steps: LoadStep[];
  tokens?: string[];
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second over all connections (latency at a fixed rate); none: as fast as possible. */
  overallRate?: number;
}

export interface LoadResult {
  /** Completed units per second. */
  rate: number;
  units: number;
  failures: number;
  /** Latency of each request, milliseconds. */
  p50: number;
  p99: number;
  /** One failed answer, for the log. */
  sample?: string;
  /** `refresh`: the refresh tokens left unused, for the next run. */
  tokens?: string[];
}

/** Sign-ins as fast as they go, with token requests at a fixed rate beside them (scenario 9). */
export interface SignInSpec {
  url: string;
  /** The authorization request that leads to the sign-in page (without the host). */
  authorizePath: string;
  redirectUri: string;
  username: string;
  password: string;
  concurrency: number;
  duration: number;
  beside?: LoadSpec;
}

export interface SignInResult {
  rate: number;
  signIns: number;
  failures: number;
  sample?: string;
  beside?: LoadResult;
}
