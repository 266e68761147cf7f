import type { RegisteredResource } from '../rules/resource.js';

/**
 * Every Tessera setting, with its safe default and what it means. This object is the
 * one place defaults are defined: the loader derives the environment variable of each
 * setting from its path (`ttl.accessToken` → `TESSERA_TTL_ACCESS_TOKEN`), and the
 * validator checks every value against the type of its default.
 * Durations are in seconds.
 */
export const defaults = {
  /** The issuer identifier: every URL Tessera prints is built from it, never from the request's Host. Default: http://localhost:<port>. */
  issuer: '',
  /** TCP port to listen on (env PORT). */
  port: 3000,
  /** Address to bind (env HOST). Loopback (IPv4 and IPv6) by default; set 0.0.0.0 behind a load balancer. */
  host: 'localhost',
  /** `sqlite:<path>` or `postgres://...` (env DATABASE_URL). */
  databaseUrl: 'sqlite:./data/tessera.db',
  /**
   * SQLite driver for a `sqlite:` database: `auto` (Node's own node:sqlite on Node.js 22.16+ and 24, the better-sqlite3 package on older
   * Node), `node:sqlite` or `better-sqlite3`.
   */
  sqliteDriver: 'auto',
  /**
   * Secret that keys the encryption of signing keys at rest and the client-secret HMAC (env TESSERA_SECRET, at least 32 characters).
   * Required outside dev mode.
   */
  secret: '',
  /** Where dev mode keeps its generated secret and the SQLite file. */
  dataDir: './data',
  /** Dev mode: generate a secret if missing, seed demo clients and a demo user, print them. */
  dev: false,
  /** Number of worker processes for `tessera serve` (0 = one per CPU core). */
  workers: 1,
  /** Optional Redis URL for rate-limit counters shared by many instances (env REDIS_URL). */
  redisUrl: '',
  /** Prefix of every Redis key Tessera writes, so several deployments can share one Redis. */
  redisKeyPrefix: 'tessera:',
  /** Log level: fatal, error, warn, info, debug, trace, silent (env LOG_LEVEL). */
  logLevel: 'info',
  log: {
    /**
     * `pretty`: colourised, human-readable lines for a terminal. `json`: one JSON object a line, for log collectors (env LOG_FORMAT).
     * Default (empty): pretty in dev mode, json otherwise.
     */
    format: '',
  },
  /** Trust X-Forwarded-For for the client address (only behind a proxy you control). */
  trustProxy: false,
  /** Largest accepted request body, in bytes. */
  bodyLimit: 65536,
  ttl: {
    /** Authorization code lifetime (RFC 6749 §4.1.2 recommends at most 10 minutes). */
    authorizationCode: 60,
    /** Access token lifetime for user grants. */
    accessToken: 3600,
    /** Access token lifetime for client_credentials (per-client override: metadata `access_token_ttl`). */
    clientCredentialsAccessToken: 600,
    /** ID token lifetime. */
    idToken: 3600,
    /**
     * Refresh token lifetime: a token unused this long expires. A rotation gives the new token this lifetime again, but never past
     * `ttl.grant`.
     */
    refreshToken: 1209600,
    /**
     * Absolute lifetime of a grant (one authorization: its refresh tokens and the access tokens they bring), from the sign-in or device
     * approval that created it. No refresh token outlives it, however often it is rotated; then the app must ask the user again.
     */
    grant: 2592000,
    /** Browser session lifetime. */
    session: 86400,
    /** Sign-in / consent interaction lifetime. */
    interaction: 900,
    /** Device code lifetime (RFC 8628 expires_in). */
    deviceCode: 600,
    /** Lifetime of a pushed authorization request's request_uri (RFC 9126 §2.2 expires_in; at most 600). */
    pushedRequest: 60,
  },
  pkce: {
    /** Require PKCE of every client, not only public ones. */
    requiredForAll: false,
    /**
     * Accept code_challenge_method=plain (and a missing method, which means plain, RFC 7636 §4.3). Per client: metadata
     * `require_pkce_s256`.
     */
    allowPlain: true,
    /** Refuse plain (and a missing method) from public clients, whatever `allowPlain` says: they must use S256 (RFC 9700 §2.1.1). */
    requireS256ForPublicClients: true,
  },
  refreshTokens: {
    /** Rotate refresh tokens of confidential clients on every use (public clients always rotate). */
    rotateConfidential: true,
  },
  accessTokens: {
    /** Default format: `jwt` (RFC 9068) or `opaque` (per-client metadata `access_token_format`). */
    format: 'jwt',
    /** Audience of access tokens when no `resource` is requested. Default: the issuer. */
    defaultAudience: '',
    /**
     * The resource indicators (RFC 8707) clients may ask access tokens for, besides the default audience: absolute URIs
     * without fragment, or objects `{ identifier, scopes, audience, accessTokenFormat, accessTokenTtl }` (env: a JSON array).
     * A resource's `scopes` go only in tokens for it; `audience` is the tokens' `aud` (default: the identifier); the format and
     * lifetime override the client's. Client metadata `resources` (config and CLI only) narrows them per client; dynamically
     * registered clients may ask for none. Anything else is `invalid_target`.
     */
    resources: [] as (string | RegisteredResource)[],
  },
  subjects: {
    /**
     * Offer pairwise subject identifiers (OIDC Core §8): a client registered with `subject_type: pairwise` sees, for each user, a `sub`
     * of its own sector (the host of its redirect URIs or of its `sector_identifier_uri`), computed from TESSERA_SECRET: changing
     * the secret changes every pairwise `sub`.
     */
    pairwise: true,
  },
  tokenExchange: {
    /**
     * Allow impersonation in token exchange (RFC 8693 §1.1): a client with the token-exchange grant trades a user's access token for
     * one of its own without an `actor_token`, so the new token does not say who acts. Off: an `actor_token` is required (delegation,
     * the token carries `act`).
     */
    impersonation: false,
  },
  par: {
    /** Serve pushed authorization requests (RFC 9126) at POST /par, announced as `pushed_authorization_request_endpoint`. */
    enabled: true,
    /**
     * Accept authorization requests only through /par, from every client (discovery `require_pushed_authorization_requests`).
     * Per client: metadata `require_pushed_authorization_requests`.
     */
    required: false,
  },
  requestObjects: {
    /**
     * Accept signed request objects (RFC 9101) in the `request` parameter at /auth and /par, verified with the client's
     * registered `jwks` or `jwks_uri`. A `request_uri` is accepted only when it came from /par.
     */
    enabled: true,
    /** Require a signed request object of every client (discovery `require_signed_request_object`; per client: metadata of that name). */
    required: false,
  },
  jarm: {
    /** Offer JWT-secured authorization responses (JARM): response_mode `jwt`, `query.jwt`, `fragment.jwt`, `form_post.jwt`. */
    enabled: true,
  },
  fapi: {
    /**
     * `2.0`: hold every client to the FAPI 2.0 Security Profile (PAR, PKCE S256, private_key_jwt, DPoP at /token, 60 s codes,
     * https redirect URIs). Empty: only clients registered with metadata `fapi_profile: "2.0"`.
     */
    profile: '',
  },
  idTokens: {
    /** Also put the claims of granted scopes in the ID token (they are always in userinfo). */
    includeScopeClaims: false,
  },
  device: {
    /** Minimum polling interval (RFC 8628 §3.2 interval). */
    interval: 5,
    /** Wrong user codes a client address may enter at /device within `userCodeAttemptWindow` (RFC 8628 §5.1). */
    userCodeAttemptsPerAddress: 10,
    /** Wrong user codes one browser (session or CSRF cookie) may enter within the window. */
    userCodeAttemptsPerSession: 5,
    /** Window of the user-code guessing limits, in seconds. */
    userCodeAttemptWindow: 900,
    /**
     * Device authorization requests (POST /device/auth) one public client may make from one client address within
     * `authorizationRequestWindow`; then 429 (0 = no limit). Confidential clients are not limited.
     */
    authorizationRequestsPerAddress: 30,
    /** Window of the device authorization request limit, in seconds. */
    authorizationRequestWindow: 600,
  },
  keys: {
    /** Algorithm of the signing key generated on first start: RS256, ES256 or EdDSA. */
    algorithm: 'RS256',
    /** How often a process re-reads the key set from the database (picks up rotation by another process). */
    refreshInterval: 60,
  },
  registration: {
    /** Serve dynamic client registration (RFC 7591) at /reg and its management endpoint (RFC 7592) at /reg/<client_id>. */
    enabled: true,
    /**
     * `required`: only callers presenting an initial access token (`tessera registration tokens create`)
     * may register. `optional`: open registration, anyone may register (a presented token must still be valid).
     * Default (empty): required, except in dev mode where registration is open.
     */
    initialAccessToken: '',
    /** Open registration only: registrations allowed per client address per hour (0 = no limit). */
    openRegistrationsPerHour: 20,
    /**
     * The scopes a dynamically registered client may register as its `scope` (more is `invalid_client_metadata`); a
     * registration without `scope` gets these. Config and CLI clients may have any scope the provider offers.
     */
    allowedScopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
  },
  signIn: {
    /** Failed sign-ins one client address may make at one account within `window`; further attempts from there are refused (429). */
    maxFailuresPerAccountAndAddress: 5,
    /** Failed sign-ins allowed per client address, at any accounts, within `window`. */
    maxFailuresPerAddress: 20,
    /**
     * Failed sign-ins at one account, from all addresses together, within `window`, after which the account slows down: browsers it does
     * not know share one attempt per `slowDownInterval`. Never a lock: the owner's known browser keeps its own allowance.
     */
    maxFailuresPerAccount: 10,
    /** Seconds between attempts at a slowed-down account from browsers it does not know. */
    slowDownInterval: 30,
    /**
     * Failed sign-ins a known browser (one that signed in to the account before: a signed device cookie) may make within `window`; the
     * address and account limits do not apply to it.
     */
    maxFailuresPerKnownBrowser: 10,
    /** Seconds a browser stays known to an account after a successful sign-in (the device cookie's lifetime). */
    knownBrowserLifetime: 7776000,
    /** Throttle window. */
    window: 900,
  },
  acr: {
    /** The `acr` (OIDC Core §2) of a single-factor sign-in: a password alone, or a passkey without user verification. */
    password: 'urn:tessera:acr:password',
    /** The `acr` of a multi-factor sign-in: a password with a one-time code or passkey, or a passkey with user verification. */
    mfa: 'urn:tessera:acr:mfa',
  },
  mfa: {
    /**
     * Every authorization needs the multi-factor level, whatever the client asks: a person without a second factor sets one up at
     * their next sign-in. Per client: metadata `require_mfa`.
     */
    requiredForAll: false,
    /** Offer TOTP authenticator apps (RFC 6238) as a second factor. Off: nobody can set one up, and existing ones are not asked for. */
    totp: true,
    /** Name of the issuer shown in authenticator apps beside the username. Default: the issuer's host. */
    totpIssuerName: '',
    /** Seconds within which a person must have signed in to remove a second factor or regenerate recovery codes. */
    reauthenticateWithin: 600,
  },
  passkeys: {
    /** Offer passkeys (WebAuthn): passwordless sign-in with a discoverable credential, and a passkey as second factor. */
    enabled: true,
    /**
     * WebAuthn user verification asked of authenticators: `required`, `preferred` or `discouraged`. A passkey counts as
     * multi-factor only when the authenticator verified the user (PIN or biometric).
     */
    userVerification: 'preferred',
    /** Seconds a registration or sign-in ceremony may take before its challenge expires. */
    ceremonyTimeout: 300,
  },
  passwordChange: {
    /**
     * A password change (`tessera users set-password`, and any account page through the same function) ends every browser session of the
     * user and revokes all their grants: refresh tokens (offline_access too) and the access tokens of those grants.
     */
    revokeSessionsAndTokens: true,
  },
  account: {
    /**
     * Seconds a sign-in counts as recent on the account page (`/account`): a sensitive change (the password, and the security
     * settings) made longer after the last sign-in first sends the person to sign in again.
     */
    reauthenticateAfter: 300,
  },
  clientAuthentication: {
    /**
     * Failed client authentications (a wrong secret or assertion) allowed per client and address within `window`, at /token, /introspect
     * and /revoke; then 429.
     */
    maxFailuresPerAddress: 20,
    /** Throttle window. */
    window: 900,
    /**
     * Also accept the token endpoint URL as a client assertion's `aud` (alone), for clients written to RFC 7523 /
     * OIDC Core §9 before draft-ietf-oauth-rfc7523bis. Off: the issuer is the only audience, as the draft requires.
     */
    acceptTokenEndpointAudience: false,
  },
  dpop: {
    /**
     * Accept DPoP proofs (RFC 9449) at /token, /userinfo and the pushed authorization endpoint, bind access tokens to the proof's key
     * (`cnf.jkt`, `token_type: DPoP`) and announce `dpop_signing_alg_values_supported`. Clients that send no proof get Bearer tokens as
     * before. Off: a `DPoP` header is ignored and nothing is announced.
     */
    enabled: true,
    /** Require a DPoP proof of every client at /token (per client: metadata `dpop_bound_access_tokens: true`). */
    required: false,
    /** Require a server-provided nonce in every proof (RFC 9449 §8, §9): a proof without a current one gets `use_dpop_nonce`. */
    requireNonce: false,
    /** Seconds a proof's `iat` may lie in the past or the future (clock skew included); its `jti` is remembered this long. */
    proofWindow: 60,
    /** Seconds one server nonce is issued for; the previous one is still accepted, so a nonce lives up to twice this. */
    nonceLifetime: 300,
  },
  outbound: {
    /**
     * Hosts the server may fetch from or post to (`jwks_uri`, `backchannel_logout_uri`) although they resolve to
     * loopback, private or other non-public addresses: exact host names or address ranges (`jwks.internal.example`,
     * `10.1.0.0/16`, `127.0.0.1`). Plain http is allowed to these hosts only (and to loopback in dev mode).
     */
    allowedHosts: [] as string[],
    /** Seconds one outbound request (connect, answer and body) may take. */
    timeout: 5,
    /** Largest response body accepted from an outbound request, in bytes. */
    maxResponseBytes: 65536,
  },
  tracing: {
    /**
     * Export OpenTelemetry traces (OTLP over HTTP, set up by the standard OTEL_* variables: OTEL_EXPORTER_OTLP_ENDPOINT,
     * OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME...). Also on whenever OTEL_EXPORTER_OTLP_ENDPOINT is set.
     */
    enabled: false,
  },
  metrics: {
    /** Serve Prometheus metrics at GET /metrics (outside dev mode only once `metrics.token` is set). */
    enabled: true,
    /**
     * The Bearer token /metrics requires (`Authorization: Bearer <token>`, env TESSERA_METRICS_TOKEN). Outside dev mode /metrics answers
     * 404 until it is set.
     */
    token: '',
  },
  janitor: {
    /** Seconds between background purges of expired rows in `tessera serve` (0 = never; run `tessera janitor` from cron instead). */
    interval: 300,
    /** Rows deleted per statement, so a purge never holds long locks. */
    batchSize: 500,
    /** Milliseconds to pause between batches, leaving the database to requests. */
    pause: 50,
    /** Days audit events are kept (0 = forever). */
    auditRetentionDays: 90,
  },
  adminApi: {
    /**
     * Serve the admin REST API at /admin/v1 (docs/admin-api.md) and register the admin console's client `tessera-admin-console`.
     * Off: neither exists, and a console client left from an earlier start is deleted.
     */
    enabled: true,
  },
  playground: {
    /**
     * Serve the flow playground at /playground and register its demo client `playground` (dev mode: always). Off: neither exists,
     * and a `playground` client left from an earlier start is deleted.
     */
    enabled: false,
  },
  /**
   * Extra scopes beyond openid, profile, email, address, phone, offline_access: "name: description" strings. A colon
   * inside the name is part of it (`api:read: Read the API` is the scope api:read).
   */
  scopes: [] as string[],
  /** Clients declared in the config file (RFC 7591 metadata). Loaded idempotently at startup. */
  clients: [] as Record<string, unknown>[],
  /** Users declared in the config file: { username, password, claims }. */
  users: [] as Record<string, unknown>[],
};

export type Defaults = typeof defaults;

/** The one typed config: the defaults' shape, after loadConfig merged and validated the sources. */
export type Config = Defaults;
