import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Provider } from '../provider.js';
import { errorHandler } from './error-handler.js';
import { parseForm } from './parse-form.js';
import { NotFound } from '../protocol/oauth-errors.js';
import { discoveryEndpoint } from '../endpoints/discovery.js';
import { jwksEndpoint } from '../endpoints/jwks.js';
import { healthEndpoints } from '../endpoints/health.js';
import { tokenEndpoint } from '../endpoints/token.js';
import { requestMetrics } from '../metrics/request-metrics.js';
import { clientErrorHandler } from './client-error.js';
import { metricsEndpoint } from '../metrics/metrics-endpoint.js';
import { registrationEndpoint } from '../endpoints/registration.js';
import { endSessionEndpoint } from '../endpoints/end-session.js';
import { deviceAuthorizationEndpoint } from '../endpoints/device-authorization.js';
import { deviceRoutes } from '../interaction/device-routes.js';
import { introspectEndpoint } from '../endpoints/introspect.js';
import { revokeEndpoint } from '../endpoints/revoke.js';
import { loginRoutes } from '../interaction/login-routes.js';
import { authorizationRoutes } from '../authorize/authorization-routes.js';
import { describeReturnTo } from '../authorize/describe-return-to.js';
import { authorizationPages } from '../app/authorization-pages.js';
import { userinfoEndpoint } from '../endpoints/userinfo.js';
import { cors } from './cors.js';
import { errorPageHandler } from '../interaction/error-page.js';

export interface AppOptions {
  logger?: Logger | false;
}

/** The HTTP application, without `listen` (tests use `app.inject` or listen on port 0). */
export async function buildApp(provider: Provider, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger || undefined) as FastifyBaseLogger | undefined,
    bodyLimit: provider.config.bodyLimit,
    trustProxy: provider.config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler,
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => errorHandler(new NotFound(`no such endpoint: ${request.method} ${request.url.split('?')[0]}`), request, reply));

  // Before the endpoints, so its hooks reach their routes; never lists /auth (RFC 9700 §2.6).
  await app.register(cors, { routes: { '/token': ['POST'], '/userinfo': ['GET', 'POST'], '/device/auth': ['POST'] } });
  requestMetrics(app, provider.metrics);
  const opts = { provider };
  await app.register(healthEndpoints, opts);
  await app.register(metricsEndpoint, opts);
  await app.register(discoveryEndpoint, opts);
  await app.register(jwksEndpoint, opts);
  await app.register(tokenEndpoint, opts);
  await app.register(registrationEndpoint, opts);
  await app.register(introspectEndpoint, opts);
  await app.register(revokeEndpoint, opts);
  await app.register(deviceAuthorizationEndpoint, opts);
  await app.register(userinfoEndpoint, opts);
  // The pages a person sees: cookies (sessions, CSRF) and errors shown as a page, in this scope only.
  await app.register(async (pages) => {
    await pages.register(fastifyCookie);
    pages.setErrorHandler(errorPageHandler);
    await pages.register(endSessionEndpoint, opts);
    await pages.register(loginRoutes, {
      issuer: provider.config.issuer,
      config: provider.config,
      csrf: provider.csrf,
      sessions: provider.sessions,
      rateLimiter: provider.rateLimiter,
      users: provider.users,
      audit: provider.audit,
      metrics: provider.metrics,
      describeReturnTo: (returnTo) => describeReturnTo(provider.pendingRequests, returnTo),
    });
    await pages.register(authorizationRoutes, {
      issuer: provider.config.issuer,
      metadata: provider.metadata,
      scopes: provider.scopes,
      pkce: provider.config.pkce,
      keys: provider.keys,
      clients: provider.clients,
      users: provider.users,
      sessions: provider.sessions,
      consents: provider.consents,
      audit: provider.audit,
      codes: provider.codes,
      ttl: provider.config.ttl,
      pendingRequests: provider.pendingRequests,
      csrf: provider.csrf,
      pages: authorizationPages,
      clock: provider.clock,
    });
    await pages.register(deviceRoutes, opts);
  });
  return app;
}
