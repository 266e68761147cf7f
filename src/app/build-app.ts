import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Services } from './create-services.js';
import { traceRequests } from '../tracing/request-spans.js';
import { authorizationPages } from './authorization-pages.js';
import { devicePages } from './device-pages.js';
import { authorizationRoutes } from '../authorize/authorization-routes.js';
import { accountRoutes } from '../account/account-routes.js';
import { describeReturnTo } from '../authorize/describe-return-to.js';
import { deviceVerificationRoutes } from '../device/verification-routes.js';
import { deviceAuthorizationEndpoint } from '../endpoints/device-authorization.js';
import { discoveryEndpoint } from '../endpoints/discovery.js';
import { endSessionEndpoint } from '../endpoints/end-session.js';
import { healthEndpoints } from '../endpoints/health.js';
import { introspectEndpoint } from '../endpoints/introspect.js';
import { jwksEndpoint } from '../endpoints/jwks.js';
import { registrationEndpoint } from '../endpoints/registration.js';
import { revokeEndpoint } from '../endpoints/revoke.js';
import { tokenEndpoint } from '../endpoints/token.js';
import { pushedAuthorizationEndpoint } from '../endpoints/pushed-authorization.js';
import { offeredResponseModes } from '../authorize/check-response-mode.js';
import { userinfoEndpoint } from '../endpoints/userinfo.js';
import { clientErrorHandler } from '../http/client-error.js';
import { cors } from '../http/cors.js';
import { errorHandler } from '../http/error-handler.js';
import { parseForm } from '../http/parse-form.js';
import { errorPageHandler } from '../interaction/error-page.js';
import { renderFrontPage } from '../interaction/front-page.js';
import { sendPage } from '../interaction/layout.js';
import { loginRoutes } from '../interaction/login-routes.js';
import { connectorRoutes } from '../connectors/connector-routes.js';
import { secondFactorRoutes } from '../interaction/second-factor-routes.js';
import { securityRoutes } from '../account-security/security-routes.js';
import { metricsEndpoint } from '../metrics/metrics-endpoint.js';
import { requestMetrics } from '../metrics/request-metrics.js';
import { NotFound } from '../protocol/oauth-errors.js';
import { playgroundRoutes } from '../playground/playground-routes.js';
import { DEMO_USER } from '../seed/dev-demo.js';
import { consoleRoutes } from '../admin-console/console-routes.js';
import { adminApiRoutes } from '../admin-api/admin-api-routes.js';
import { ADMIN_API_PATH } from '../rules/admin-scopes.js';

export interface AppOptions {
  logger?: Logger | false;
}

/**
 * The HTTP application, without `listen` (tests use `app.inject` or listen on port 0). Each
 * plugin receives the few services it declares in its options, and nothing else.
 */
export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config, metadata, clock } = services;
  const { issuer } = config;
  // What /auth and /par share: the request checks, request objects (RFC 9101), FAPI 2.0.
  const requestChecks = {
    issuer,
    scopes: services.scopes,
    pkce: config.pkce,
    resourcePolicy: services.resourcePolicy,
    keys: services.keys,
    clock,
    requestPolicy: { parRequired: config.par.enabled && config.par.required, signedRequired: config.requestObjects.required },
    fapi: config.fapi,
    responseModes: offeredResponseModes(config.jarm.enabled),
    requestObjects: config.requestObjects.enabled,
    dpopEnabled: services.dpop !== undefined,
    jwks: services.clientJwks,
    usedJtis: services.usedJtis,
  };
  const app = Fastify({
    loggerInstance: (options.logger || undefined) as FastifyBaseLogger | undefined,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler,
  });

  if (services.tracer) traceRequests(app, services.tracer);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    errorHandler(new NotFound(`no such endpoint: ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );

  // Before the endpoints, so its hooks reach their routes; never lists /auth (RFC 9700 §2.6).
  await app.register(cors, { routes: { '/token': ['POST'], '/userinfo': ['GET', 'POST'], '/device/auth': ['POST'] } });
  requestMetrics(app, services.metrics);
  await app.register(healthEndpoints, { ping: services.ping });
  await app.register(metricsEndpoint, { config, metrics: services.metrics });
  await app.register(discoveryEndpoint, {
    issuer,
    metadata,
    scopes: services.scopes,
    grantTypes: [...services.grants.keys()],
    clientAuth: services.clientAuth,
  });
  await app.register(jwksEndpoint, { keys: services.keys });
  await app.register(tokenEndpoint, {
    issuer,
    metadata,
    clientAuth: services.clientAuth,
    grants: services.grants,
    metrics: services.metrics,
    audit: services.audit,
    dpop: services.dpop,
    fapi: config.fapi,
  });
  if (config.par.enabled)
    await app.register(pushedAuthorizationEndpoint, {
      ...requestChecks,
      metadata,
      clientAuth: services.clientAuth,
      pushedRequests: services.pushedRequests,
      ttl: config.ttl.pushedRequest,
      dpop: services.dpop,
    });
  await app.register(registrationEndpoint, {
    config,
    metadata,
    clients: services.clients,
    initialAccessTokens: services.initialAccessTokens,
    rateLimiter: services.rateLimiter,
    clientTokens: services.clientTokens,
    clock,
  });
  await app.register(introspectEndpoint, {
    issuer,
    metadata,
    clientAuth: services.clientAuth,
    tokenSources: services.tokenSources,
    users: services.users,
    subjects: services.subjects,
  });
  await app.register(revokeEndpoint, {
    issuer,
    metadata,
    clientAuth: services.clientAuth,
    tokenSources: services.tokenSources,
    grantsStore: services.grantsStore,
    accessTokens: services.accessTokens,
    audit: services.audit,
    clock,
  });
  await app.register(deviceAuthorizationEndpoint, {
    config,
    rateLimiter: services.rateLimiter,
    metadata,
    clientAuth: services.clientAuth,
    deviceCodes: services.deviceCodes,
    scopes: services.scopes,
    resourcePolicy: services.resourcePolicy,
    clock,
  });
  await app.register(userinfoEndpoint, {
    issuer,
    metadata,
    accessTokens: services.accessTokens,
    users: services.users,
    defaultAudience: config.accessTokens.defaultAudience,
    dpop: services.dpop,
  });

  // The admin REST API (issue 15): problem details, its own schemas, its own bearer checks.
  if (config.adminApi.enabled)
    await app.register(adminApiRoutes, {
      prefix: ADMIN_API_PATH,
      issuer,
      config,
      clients: services.clients,
      clientTokens: services.clientTokens,
      users: services.users,
      secondFactors: services.secondFactors,
      passkeys: services.passkeys,
      federatedIdentities: services.federatedIdentities,
      sessions: services.sessions,
      grantsStore: services.grantsStore,
      keys: services.keys,
      subjects: services.subjects,
      audit: services.audit,
      accessTokens: services.accessTokens,
      dpop: services.dpop,
      initialAccessTokens: services.initialAccessTokens,
      initialAccessTokensStore: services.initialAccessTokensStore,
      fetch: services.outbound,
      clock,
    });

  // The pages a person sees: cookies (sessions, CSRF) and errors shown as a page, in this scope only.
  await app.register(async (pages) => {
    await pages.register(fastifyCookie);
    pages.setErrorHandler(errorPageHandler(services.pages));
    await pages.register(endSessionEndpoint, {
      issuer,
      pages: services.pages,
      metadata,
      keys: services.keys,
      clients: services.clients,
      subjects: services.subjects,
      sessions: services.sessions,
      grantsStore: services.grantsStore,
      csrf: services.csrf,
      clock,
      outbound: services.outbound,
    });
    await pages.register(loginRoutes, {
      issuer,
      pages: services.pages,
      config,
      csrf: services.csrf,
      sessions: services.sessions,
      knownBrowsers: services.knownBrowsers,
      rateLimiter: services.rateLimiter,
      users: services.users,
      audit: services.audit,
      metrics: services.metrics,
      directories: services.directories,
      describeReturnTo: (returnTo) => describeReturnTo(services.pendingRequests, returnTo),
      mfa: services.mfa,
      pendingSignIns: services.pendingSignIns,
      passkeys: services.passkeyCeremonies,
      connectorButtons: services.connectors.list.map((c) => ({ id: c.settings.id, name: c.settings.name })),
    });
    await pages.register(secondFactorRoutes, {
      issuer,
      pages: services.pages,
      config,
      csrf: services.csrf,
      sessions: services.sessions,
      knownBrowsers: services.knownBrowsers,
      rateLimiter: services.rateLimiter,
      users: services.users,
      audit: services.audit,
      metrics: services.metrics,
      describeReturnTo: (returnTo) => describeReturnTo(services.pendingRequests, returnTo),
      mfa: services.mfa,
      pendingSignIns: services.pendingSignIns,
      passkeys: services.passkeyCeremonies,
    });
    await pages.register(securityRoutes, {
      issuer,
      pages: services.pages,
      csrf: services.csrf,
      sessions: services.sessions,
      users: services.users,
      mfa: services.mfa,
      passkeys: config.passkeys.enabled ? services.passkeys : undefined,
      ceremonies: services.passkeyCeremonies,
      audit: services.audit,
      reauthenticateWithin: config.mfa.reauthenticateWithin,
      clock,
    });
    await pages.register(authorizationRoutes, {
      ...requestChecks,
      metadata,
      clients: services.clients,
      pushedRequests: config.par.enabled ? services.pushedRequests : undefined,
      jarm: config.jarm.enabled,
      signingKeys: services.keys,
      subjects: services.subjects,
      pairwiseSubjects: config.subjects.pairwise,
      users: services.users,
      sessions: services.sessions,
      consents: services.consents,
      audit: services.audit,
      codes: services.codes,
      ttl: config.ttl,
      pendingRequests: services.pendingRequests,
      csrf: services.csrf,
      pages: authorizationPages(services.pages, `${issuer}/account`),
      assurance: { acr: config.acr, requiredForAll: config.mfa.requiredForAll },
      mfa: services.mfa,
      clock,
    });
    await pages.register(deviceVerificationRoutes, {
      issuer,
      config,
      csrf: services.csrf,
      sessions: services.sessions,
      rateLimiter: services.rateLimiter,
      deviceCodes: services.deviceCodes,
      clients: services.clients,
      users: services.users,
      audit: services.audit,
      scopes: services.scopes,
      pages: devicePages(services.pages),
      assurance: { requiredForAll: config.mfa.requiredForAll, mfa: services.mfa },
      clock,
    });
    await pages.register(accountRoutes, {
      issuer,
      pages: services.pages,
      subjects: services.subjects,
      config,
      csrf: services.csrf,
      guard: services.accountGuard,
      users: services.users,
      sessions: services.sessions,
      knownBrowsers: services.knownBrowsers,
      rateLimiter: services.rateLimiter,
      consents: services.consents,
      clients: services.clients,
      scopes: services.scopes,
      grantsStore: services.grantsStore,
      keys: services.keys,
      outbound: services.outbound,
      audit: services.audit,
      metrics: services.metrics,
      clock,
      withIdentities: services.connectors.list.length > 0,
    });
    await pages.register(connectorRoutes, {
      issuer,
      connectors: services.connectors,
      flows: services.upstreamFlows,
      tokensBox: services.upstreamTokensBox,
      users: services.users,
      federatedIdentities: services.federatedIdentities,
      sessions: services.sessions,
      pendingSignIns: services.pendingSignIns,
      mfa: services.mfa,
      audit: services.audit,
      metrics: services.metrics,
      pages: services.pages,
      clock,
      csrf: services.csrf,
      guard: services.accountGuard,
      passkeys: services.passkeys,
    });
    // The admin console: a relying party of this server that works through the admin API, and exists only with it.
    if (config.adminApi.enabled) await pages.register(consoleRoutes, { issuer, csrf: services.csrf, box: services.consoleBox, clock });
    // The issuer's own address, opened in a browser: a page that says what this is, not a JSON 404.
    const playgroundUrl = services.playground ? `${issuer}/playground` : undefined;
    pages.get('/', (request, reply) =>
      sendPage(reply, renderFrontPage(services.pages.for(request), { issuer, playgroundUrl, accountUrl: `${issuer}/account` })),
    );
    // Dev mode, or `playground.enabled`: otherwise /playground does not exist (404) and neither does its client.
    if (services.playground) {
      await pages.register(playgroundRoutes, {
        issuer,
        client: services.playground,
        csrf: services.csrf,
        clock,
        demoUser: config.dev ? { username: DEMO_USER.username, password: DEMO_USER.password } : undefined,
      });
    }
  });
  return app;
}
