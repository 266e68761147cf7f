import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

export interface CorsOptions {
  /** Route paths that browser JavaScript of any origin may call, each with its methods. */
  routes: Record<string, string[]>;
}

/**
 * CORS for the endpoints a single-page app calls directly (token, userinfo): any origin,
 * never with credentials, since these endpoints authenticate by token or client credentials,
 * not cookies. Never for /auth: RFC 9700 §2.6 forbids CORS at the authorization endpoint,
 * which this plugin enforces by listing only what it is given.
 */
export const cors: FastifyPluginAsync<CorsOptions> = async (app: FastifyInstance, { routes }) => {
  const paths = new Set(Object.keys(routes));
  app.addHook('onSend', async (request, reply) => {
    if (!paths.has(request.routeOptions.url ?? '')) return;
    reply.header('access-control-allow-origin', '*');
    // Lets a browser app read why a bearer token was refused (RFC 6750 §3) or a DPoP nonce.
    reply.header('access-control-expose-headers', 'WWW-Authenticate, DPoP-Nonce');
  });
  // The preflight of a cross-origin POST with Authorization, DPoP or a form body.
  for (const [path, methods] of Object.entries(routes)) {
    app.options(path, async (_request, reply) => {
      reply
        .code(204)
        .header('access-control-allow-methods', methods.join(', '))
        .header('access-control-allow-headers', 'Authorization, Content-Type, DPoP')
        .header('access-control-max-age', '86400');
    });
  }
};
// Hooks apply to the routes of sibling plugins: the same effect as fastify-plugin, without the dependency.
(cors as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
