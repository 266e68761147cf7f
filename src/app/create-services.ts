import type { Logger } from 'pino';
import type { Tracer } from '@opentelemetry/api';
import { querySpans } from '../tracing/query-spans.js';
import { traceOutbound } from '../tracing/outbound-spans.js';
import { settingSource, type Config } from '../config/load-config.js';
import { describeConnectionError } from '../storage/connection-error.js';
import { ConfigError } from '../config/config-error.js';
import { openDatabase, migrate, ping, type Db } from '../storage/database.js';
import type { SqliteDriverChoice } from '../storage/open-sqlite.js';
import { signingKeysStore } from '../storage/signing-keys-store.js';
import { clientsStore } from '../storage/clients-store.js';
import { usersStore } from '../storage/users-store.js';
import { accessTokensStore } from '../storage/access-tokens-store.js';
import { grantsStore } from '../storage/grants-store.js';
import { authorizationCodesStore } from '../storage/authorization-codes-store.js';
import { deviceCodesStore } from '../storage/device-codes-store.js';
import { databaseRateLimiter } from '../storage/rate-limits-store.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { connectRedis, redisRateLimiter } from '../rate-limit/redis-rate-limiter.js';
import { createProviderMetrics, type ProviderMetrics } from '../metrics/provider-metrics.js';
import { countedRateLimiter } from '../metrics/counted-rate-limiter.js';
import { clientAuthThrottle } from '../client-auth/throttle-client-authentication.js';
import { AuditLog } from '../audit/audit-log.js';
import { auditedClientsStore, auditedSigningKeysStore } from '../audit/audited-stores.js';
import { auditEventsStore } from '../storage/audit-events-store.js';
import { initialAccessTokensStore } from '../storage/initial-access-tokens-store.js';
import { clientTokensStore } from '../storage/client-tokens-store.js';
import type {
  AuthorizationCodesStore,
  ClientTokensStore,
  ConsentsStore,
  DeviceCodesStore,
  GrantsStore,
  InitialAccessTokensStore,
  PushedRequestsStore,
  UsedJtisStore,
} from '../storage/ports.js';
import { InitialAccessTokens } from '../registration/initial-access-tokens.js';
import { KeySet } from '../keys/key-set.js';
import { ASSERTION_ALGORITHMS, type SigningAlgorithm } from '../jose/algorithms.js';
import { ClientRegistry } from '../clients/client-registry.js';
import { UserDirectory } from '../accounts/user-directory.js';
import { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { clientSecretBasic } from '../client-auth/client-secret-basic.js';
import { clientSecretPost } from '../client-auth/client-secret-post.js';
import { noClientAuthentication } from '../client-auth/none.js';
import { clientSecretJwt } from '../client-auth/client-secret-jwt.js';
import { privateKeyJwt } from '../client-auth/private-key-jwt.js';
import { ClientJwks } from '../client-auth/client-jwks.js';
import { createOutboundFetch, type OutboundFetch } from '../outbound/outbound-fetch.js';
import { outboundPolicy } from '../outbound/address-policy.js';
import { usedJtisStore } from '../storage/used-jtis-store.js';
import { createDpop, type Dpop } from '../dpop/dpop-service.js';
import { pushedRequestsStore } from '../storage/pushed-requests-store.js';
import { AccessTokens } from '../tokens/access-tokens.js';
import { IdTokens } from '../tokens/id-tokens.js';
import { RefreshTokens } from '../tokens/refresh-tokens.js';
import { refreshTokensStore } from '../storage/refresh-tokens-store.js';
import type { GrantHandler } from '../grants/grant-handler.js';
import { grantHandlers } from '../grants/index.js';
import type { TokenSources } from '../tokens/find-token.js';
import { createJanitor, type Janitor } from '../janitor/janitor.js';
import { expiredRowsStore } from '../storage/expired-rows-store.js';
import { ProviderMetadata } from '../protocol/provider-metadata.js';
import { createSecretBox, deriveKey, type SecretBox } from '../util/secret-box.js';
import { devSecret } from '../dev-secret.js';
import { offeredScopes } from '../rules/scope.js';
import { resourcePolicy, type ResourcePolicy } from '../rules/resource.js';
import { adminApiResource } from '../rules/admin-scopes.js';
import { sessionsStore } from '../storage/sessions-store.js';
import { consentsStore } from '../storage/consents-store.js';
import { Sessions } from '../session/sessions.js';
import { accountGuard, type AccountGuard } from '../account/require-sign-in.js';
import { KnownBrowsers } from '../session/known-browser.js';
import type { CsrfOptions } from '../session/csrf.js';
import { pendingRequests, type PendingRequests } from '../authorize/pending-request.js';
import { systemClock, type Clock } from '../util/clock.js';
import { secondFactorsStore } from '../storage/second-factors-store.js';
import { passkeysStore, webauthnChallengesStore } from '../storage/passkeys-store.js';
import type { FederatedIdentitiesStore, PasskeysStore, SecondFactorsStore, WebauthnChallengesStore } from '../storage/ports.js';
import { federatedIdentitiesStore } from '../storage/federated-identities-store.js';
import { createConnectors, type Connectors } from '../connectors/create-connectors.js';
import { UPSTREAM_FLOW_LIFETIME, UpstreamFlowCookie } from '../connectors/upstream-flow-cookie.js';
import { Translations } from '../i18n/translator.js';
import type { PasswordDirectories } from '../connectors/password-directories.js';
import { createLdapDirectories } from '../connectors/ldap/create-ldap-directories.js';
import { readCatalogues } from '../i18n/catalogues.js';
import type { Language } from '../i18n/languages.js';
import { loadBranding } from '../branding/load-branding.js';
import { buildBrand } from '../interaction/brand.js';
import { pageContexts, type PageContexts } from '../interaction/page-context.js';
import { TotpAuthenticators } from '../authn/totp.js';
import { RecoveryCodes } from '../authn/recovery-codes.js';
import { PendingSignIns } from '../authn/pending-sign-in.js';
import type { MfaMethods } from '../authn/enrolled-factors.js';
import { Passkeys } from '../passkeys/passkeys.js';
import { playgroundClient, playgroundEnabled, type PlaygroundClient } from '../playground/playground-client.js';

/**
 * The composition root's services, built once at startup. Only src/app/ and the CLI see this
 * object: every module declares the few of them it uses, and build-app.ts hands each plugin
 * those. Protocol code reaches storage only through the stores named here.
 */
export interface Services {
  config: Config;
  /** OpenTelemetry spans, when tracing is on (src/tracing/start-tracing.ts). */
  tracer?: Tracer;
  db: Db;
  /** The one source of the current time. */
  clock: Clock;
  keys: KeySet;
  clients: ClientRegistry;
  users: UserDirectory;
  grantsStore: GrantsStore;
  codes: AuthorizationCodesStore;
  /** RFC 8628 device authorization requests. */
  deviceCodes: DeviceCodesStore;
  /** Counters shared by all instances: sign-in throttling, user-code guessing, token endpoint limits. */
  rateLimiter: RateLimiter;
  /** Prometheus counters (GET /metrics): call `tokenIssued`, `signInFailed`... where the event happens. */
  metrics: ProviderMetrics;
  /** The security audit trail: `audit.record({ type, userId, clientId, address, detail })`, never a secret. */
  audit: AuditLog;
  accessTokens: AccessTokens;
  /** The `sub` each client sees for a user: public or pairwise (OIDC Core §8). */
  subjects: SubjectIdentifiers;
  /** Signed ID tokens (OIDC Core §2) with the client's registered algorithm. */
  idTokens: IdTokens;
  /** Refresh tokens: issued hashed, rotated with reuse detection (RFC 9700 §4.14.2). */
  refreshTokens: RefreshTokens;
  clientAuth: ClientAuthenticator;
  /** DPoP proof checks and nonces (RFC 9449); undefined when `dpop.enabled` is off. */
  dpop: Dpop | undefined;
  /** The one way the server requests a URL a client registered (jwks_uri, backchannel_logout_uri): SSRF-safe. */
  outbound: OutboundFetch;
  /** Grant handlers keyed by grant_type: the token endpoint's lookup and discovery's list. */
  grants: ReadonlyMap<string, GrantHandler>;
  /** Where introspection and revocation look a presented token up. */
  tokenSources: TokenSources;
  /** Initial access tokens for the registration endpoint (RFC 7591 §3). */
  initialAccessTokens: InitialAccessTokens;
  /** The stored initial access tokens (by hash), to list and revoke them. */
  initialAccessTokensStore: InitialAccessTokensStore;
  /** Revokes everything issued to a client (RFC 7592 §2.3 delete). */
  clientTokens: ClientTokensStore;
  metadata: ProviderMetadata;
  /** Scopes this provider knows, with what the consent page says of each. */
  scopes: Map<string, string>;
  /** The audiences access tokens may have: config accessTokens and the admin API (RFC 8707). */
  resourcePolicy: ResourcePolicy;
  /** Browser sessions (SSO); the contract is described in src/session/sessions.ts. */
  sessions: Sessions;
  /** Device cookies of browsers that signed in before (sign-in throttling allowance). */
  knownBrowsers: KnownBrowsers;
  /**
   * The gate of every page under /account: a signed-in, enabled person, and for sensitive
   * changes a recent sign-in (`account.reauthenticateAfter`). See src/account/require-sign-in.ts.
   */
  accountGuard: AccountGuard;
  /** Remembered consent per user and client. */
  consents: ConsentsStore;
  /** The pages' CSRF protection (HMAC key derived from the secret). */
  csrf: CsrfOptions;
  /** Seals the admin console's cookies (its admin API token, a pending sign-in, a secret shown once). */
  consoleBox: SecretBox;
  /** Authorization requests sealed while the person is on a page. */
  pendingRequests: PendingRequests;
  /** Requests pushed to /par (RFC 9126), shared by every instance through the database. */
  pushedRequests: PushedRequestsStore;
  /** The key sets of clients with a `jwks_uri` (client assertions, request objects). */
  clientJwks: ClientJwks;
  /** `jti`s already accepted (client assertions, request objects). */
  usedJtis: UsedJtisStore;
  /** The second factors on offer (TOTP, recovery codes, passkeys), per config mfa.totp and passkeys.enabled. */
  mfa: MfaMethods;
  /** Every second factor of every user (the operator's `tessera users mfa reset`). */
  secondFactors: SecondFactorsStore;
  /** Passkeys (WebAuthn credentials) of every user, whether or not passkeys are on. */
  passkeys: PasskeysStore;
  /** The pages' and mails' languages (locales/<language>/<namespace>.json). */
  translations: Translations;
  /** The language and brand of each page (ui_locales, Accept-Language, ui.defaultLanguage; branding.*). */
  pages: PageContexts;
  /** Identities at other providers linked to users (connectors, issue 14). */
  federatedIdentities: FederatedIdentitiesStore;
  /** The other identity providers people may sign in with (config `connectors`, issue 14). */
  connectors: Connectors;
  /** The sealed, single-use cookie of an upstream sign-in between start and callback. */
  upstreamFlows: UpstreamFlowCookie;
  /** Seals upstream tokens at rest, for connectors with `storeTokens`. */
  upstreamTokensBox: SecretBox;
  /** The LDAP connectors, deciding the passwords of people who are not local users; undefined without any. */
  directories: PasswordDirectories | undefined;
  /** WebAuthn ceremony challenges, shared by every instance through the database. */
  webauthnChallenges: WebauthnChallengesStore;
  /** WebAuthn ceremonies (registration, sign-in), when passkeys are on. */
  passkeyCeremonies: Passkeys | undefined;
  /** A right password waiting for the second factor (sealed cookie). */
  pendingSignIns: PendingSignIns;
  /** Purges expired rows; `serve` schedules it, `tessera janitor` runs it once. */
  janitor: Janitor & { schedule(): void };
  /** The playground's demo client, when the playground is served (dev mode or `playground.enabled`). */
  playground: PlaygroundClient | undefined;
  /** Resolves when the database answers (readiness). */
  ping: () => Promise<void>;
  close(): Promise<void>;
}

export interface ServicesOptions {
  logger?: Logger;
  /** PostgreSQL schema (tests). */
  schema?: string;
  /** Trace requests, database statements and outbound fetches (tracing on). */
  tracer?: Tracer;
}

/** Opens storage, runs migrations, loads keys and builds the shared services. */
export async function createServices(config: Config, options: ServicesOptions = {}): Promise<Services> {
  const secret = config.secret || (config.dev ? devSecret(config.dataDir) : '');
  if (!secret) throw new ConfigError('secret', 'is required outside dev mode: set TESSERA_SECRET to at least 32 random characters');

  const metrics = createProviderMetrics();
  // A database that cannot be reached is named in the operator's words (kind, address, setting).
  const connectionError = (err: unknown) => describeConnectionError(config.databaseUrl, settingSource(config, 'databaseUrl'), err) ?? err;
  let db: Db;
  try {
    db = openDatabase(config.databaseUrl, {
      schema: options.schema,
      observe: metrics,
      sqliteDriver: config.sqliteDriver as SqliteDriverChoice,
      onQuery: options.tracer && querySpans(options.tracer, config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgresql'),
    });
  } catch (err) {
    throw connectionError(err);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw connectionError(err);
  }

  const clock = systemClock;
  const audit = new AuditLog(auditEventsStore(db), clock, options.logger);

  const longestJwtLifetime = Math.max(config.ttl.accessToken, config.ttl.clientCredentialsAccessToken, config.ttl.idToken, 86400);
  const keys = new KeySet({
    store: auditedSigningKeysStore(signingKeysStore(db), audit),
    box: createSecretBox(secret, 'signing-keys'),
    defaultAlgorithm: config.keys.algorithm as SigningAlgorithm,
    publishRetiredFor: longestJwtLifetime + 300,
    // A rotated key signs only once every process has reloaded and publishes it (keys.refreshInterval).
    activationDelay: config.keys.refreshInterval,
    clock,
  });
  await keys.init();

  const untracedOutbound = createOutboundFetch({
    policy: outboundPolicy(config),
    timeoutMs: config.outbound.timeout * 1000,
    maxBytes: config.outbound.maxResponseBytes,
  });
  const outbound = options.tracer ? traceOutbound(untracedOutbound, options.tracer) : untracedOutbound;
  const scopes = offeredScopes(config.scopes);
  // The operator's branding files and message overrides: read now, so a mistake stops startup.
  const branding = loadBranding(config.branding, readCatalogues());
  const translations = new Translations(branding.catalogues);
  // The admin API is a resource of its own (RFC 8707): its tokens carry admin scopes, no other token does.
  const resources = resourcePolicy({
    ...config.accessTokens,
    resources: [...config.accessTokens.resources, adminApiResource(config.issuer)],
  });
  const clients = new ClientRegistry({
    store: auditedClientsStore(clientsStore(db), audit),
    secretKey: deriveKey(secret, 'client-secrets'),
    box: createSecretBox(secret, 'client-secrets-at-rest'),
    clock,
    limits: { knownScopes: new Set(scopes.keys()), resources: resources.resources, pairwiseSubjects: config.subjects.pairwise },
    fetch: outbound,
  });
  const subjects = new SubjectIdentifiers(deriveKey(secret, 'pairwise-subjects'), (clientId) => clients.find(clientId));
  const users = new UserDirectory(usersStore(db), clock);
  const grants = grantsStore(db);
  const accessTokens = new AccessTokens({
    issuer: config.issuer,
    defaultFormat: config.accessTokens.format as 'jwt' | 'opaque',
    defaultAudience: config.accessTokens.defaultAudience,
    keys,
    store: accessTokensStore(db),
    grants,
    clientExists: async (clientId) => (await clients.find(clientId)) !== undefined,
    subjects,
    resources,
    clock,
  });
  const idTokens = new IdTokens({
    issuer: config.issuer,
    ttl: config.ttl.idToken,
    includeScopeClaims: config.idTokens.includeScopeClaims,
    keys,
    users,
    subjects,
    clock,
  });
  const refreshTokens = new RefreshTokens({
    store: refreshTokensStore(db),
    grants,
    ttl: config.ttl.refreshToken,
    rotateConfidential: config.refreshTokens.rotateConfidential,
    onReuse: (record) =>
      audit.record({
        type: 'refresh.reuse_detected',
        clientId: record.clientId,
        userId: record.userId,
        detail: { grant_id: record.grantId },
      }),
    clock,
  });
  const usedJtis = usedJtisStore(db);
  const dpop = createDpop(config, { secret, usedJtis, clock });
  const tokenEndpoint = `${config.issuer}/token`;
  // Rate limits live in Redis when REDIS_URL is set, else in the shared database.
  const redisLimiter = config.redisUrl ? redisRateLimiter(connectRedis(config.redisUrl), { keyPrefix: config.redisKeyPrefix }) : undefined;
  const rateLimiter: RateLimiter = countedRateLimiter(redisLimiter ?? databaseRateLimiter(db, clock), metrics);
  const clientJwks = new ClientJwks({ fetch: outbound });
  const assertionAudience = {
    issuer: config.issuer,
    tokenEndpoint,
    acceptTokenEndpointAudience: config.clientAuthentication.acceptTokenEndpointAudience,
  };
  const clientAuth = new ClientAuthenticator(
    clients,
    [
      clientSecretBasic(clients),
      clientSecretPost(clients),
      clientSecretJwt({ registry: clients, usedJtis, ...assertionAudience, clock }),
      privateKeyJwt({ usedJtis, jwks: clientJwks, ...assertionAudience, clock }),
      noClientAuthentication(),
    ],
    clientAuthThrottle(rateLimiter, config.clientAuthentication),
  );
  const metadata = new ProviderMetadata();
  metadata.set('token_endpoint_auth_signing_alg_values_supported', ASSERTION_ALGORITHMS);

  const codes = authorizationCodesStore(db);
  const initialAccessTokens = initialAccessTokensStore(db);
  const deviceCodes = deviceCodesStore(db);
  const sessions = new Sessions({
    store: sessionsStore(db),
    ttl: config.ttl.session,
    secure: config.issuer.startsWith('https:'),
    clock,
    acr: config.acr,
  });
  const secondFactors = secondFactorsStore(db);
  const passkeys = passkeysStore(db);
  const webauthnChallenges = webauthnChallengesStore(db);
  const mfa: MfaMethods = {
    totp: config.mfa.totp
      ? new TotpAuthenticators({
          store: secondFactors,
          box: createSecretBox(secret, 'totp-secrets'),
          issuerName: config.mfa.totpIssuerName,
          clock,
        })
      : undefined,
    recoveryCodes: new RecoveryCodes({ store: secondFactors, key: deriveKey(secret, 'recovery-codes'), clock }),
    passkeys: config.passkeys.enabled ? passkeys : undefined,
  };
  const grantHandlersByType = grantHandlers({
    config,
    users,
    accessTokens,
    idTokens,
    refreshTokens,
    codes,
    deviceCodes,
    grantsStore: grants,
    audit,
    scopes,
    resourcePolicy: resources,
    clock,
  });
  const janitor = createJanitor(
    { steps: expiredRowsStore(db, { auditRetentionDays: config.janitor.auditRetentionDays }), config, clock },
    options.logger,
  );

  const federatedIdentities = federatedIdentitiesStore(db);

  const reloadKeys = () => {
    keys.reload().catch((err) => options.logger?.warn({ err }, 'key reload failed'));
  };
  const refresh = setInterval(reloadKeys, config.keys.refreshInterval * 1000);
  refresh.unref();

  return {
    config,
    tracer: options.tracer,
    db,
    clock,
    keys,
    clients,
    users,
    grantsStore: grants,
    codes,
    deviceCodes,
    rateLimiter,
    metrics,
    audit,
    accessTokens,
    subjects,
    idTokens,
    refreshTokens,
    clientAuth,
    dpop,
    outbound,
    grants: grantHandlersByType,
    tokenSources: { accessTokens, refreshTokens },
    metadata,
    scopes,
    resourcePolicy: resources,
    initialAccessTokens: new InitialAccessTokens(initialAccessTokens, clock),
    initialAccessTokensStore: initialAccessTokens,
    clientTokens: clientTokensStore(db),
    sessions,
    knownBrowsers: new KnownBrowsers({
      key: deriveKey(secret, 'known-browser'),
      lifetime: config.signIn.knownBrowserLifetime,
      secure: config.issuer.startsWith('https:'),
      clock,
    }),
    accountGuard: accountGuard({ issuer: config.issuer, sessions, users, reauthenticateAfter: config.account.reauthenticateAfter, clock }),
    consents: consentsStore(db),
    csrf: { key: deriveKey(secret, 'csrf'), secure: config.issuer.startsWith('https:') },
    consoleBox: createSecretBox(secret, 'admin-console'),
    pushedRequests: pushedRequestsStore(db),
    clientJwks,
    usedJtis,
    pendingRequests: pendingRequests({ box: createSecretBox(secret, 'interactions'), ttl: config.ttl.interaction, clock }),
    mfa,
    secondFactors,
    passkeys,
    federatedIdentities,
    connectors: createConnectors(config.connectors, { env: process.env, outbound }),
    upstreamFlows: new UpstreamFlowCookie({
      box: createSecretBox(secret, 'upstream-flows'),
      key: deriveKey(secret, 'upstream-states'),
      usedStates: usedJtis,
      clock,
      secure: config.issuer.startsWith('https:'),
      lifetime: UPSTREAM_FLOW_LIFETIME,
    }),
    upstreamTokensBox: createSecretBox(secret, 'upstream-tokens'),
    directories: createLdapDirectories(config, { users, federatedIdentities, clock }, options.logger),
    translations,
    pages: pageContexts({
      translations,
      brand: buildBrand(config.branding, branding.files),
      defaultLanguage: config.ui.defaultLanguage as Language,
    }),
    webauthnChallenges,
    passkeyCeremonies: config.passkeys.enabled
      ? new Passkeys({
          store: passkeys,
          challenges: webauthnChallenges,
          box: createSecretBox(secret, 'webauthn-sign-in'),
          usedHandles: usedJtis,
          issuer: config.issuer,
          rpName: config.mfa.totpIssuerName,
          userVerification: config.passkeys.userVerification as 'required' | 'preferred' | 'discouraged',
          timeout: config.passkeys.ceremonyTimeout,
          clock,
        })
      : undefined,
    pendingSignIns: new PendingSignIns({
      box: createSecretBox(secret, 'pending-sign-ins'),
      ttl: config.ttl.interaction,
      secure: config.issuer.startsWith('https:'),
      clock,
    }),
    janitor,
    playground: playgroundEnabled(config) ? playgroundClient(config.issuer, secret) : undefined,
    ping: () => ping(db),
    async close() {
      clearInterval(refresh);
      janitor.stop();
      await redisLimiter?.close();
      await db.destroy();
    },
  };
}
