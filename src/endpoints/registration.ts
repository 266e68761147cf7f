import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load-config.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { InitialAccessTokens } from '../registration/initial-access-tokens.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { checkInitialAccessToken } from '../registration/check-initial-access-token.js';
import { limitOpenRegistration } from '../registration/limit-open-registration.js';
import { readMetadataBody } from '../registration/read-metadata-body.js';
import { checkUnsupportedMetadata } from '../registration/check-unsupported-metadata.js';
import { checkServerFetchedUrls } from '../registration/check-server-fetched-urls.js';
import { limitRegistrantPowers } from '../registration/limit-registrant-powers.js';
import { clientInformation, SERVER_MANAGED_FIELDS } from '../registration/client-information.js';
import { clientConfigurationRoutes, type ClientConfigurationOptions } from './client-configuration.js';

export interface RegistrationOptions extends ClientConfigurationOptions {
  config: Pick<Config, 'issuer' | 'dev' | 'registration' | 'outbound'>;
  initialAccessTokens: Pick<InitialAccessTokens, 'isValid'>;
  rateLimiter: RateLimiter;
}

/**
 * Dynamic client registration (RFC 7591, OIDC Registration 1.0) at /reg, and the client
 * configuration endpoint of RFC 7592 at /reg/<client_id>. Metadata goes through
 * `clients.save`, the same validation as config and CLI clients.
 */
export async function registrationEndpoint(app: FastifyInstance, options: RegistrationOptions): Promise<void> {
  const { config, clients } = options;
  if (!config.registration.enabled) return;
  const url = `${config.issuer}/reg`;
  options.metadata.set('registration_endpoint', url);

  // Bodies reach the handlers as text whatever their type: read-metadata-body.ts checks the
  // type and parses, so a wrong type or bad JSON gets a registration error, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/reg', async (request, reply) => {
    const invited = await checkInitialAccessToken(
      request,
      options.initialAccessTokens,
      config.registration.initialAccessToken as 'required' | 'optional',
    );
    if (!invited) await limitOpenRegistration(request, options.rateLimiter, config.registration.openRegistrationsPerHour);
    const input = readMetadataBody(request);
    checkUnsupportedMetadata(input, options.metadata);
    checkServerFetchedUrls(input, config);
    // RFC 7591 §3.2.1: the server issues client_id and client_secret; the client chooses neither.
    const { client_id: _chosenId, client_secret: _chosenSecret, ...chosen } = input;
    for (const field of SERVER_MANAGED_FIELDS) delete chosen[field];
    const metadata = limitRegistrantPowers(chosen, config.registration.allowedScopes);
    const registrationAccessToken = randomToken(32);
    const { client, secret } = await clients.save({ ...metadata, client_id: randomToken(16) }, 'registration', {
      registrationTokenHash: hashToken(registrationAccessToken),
      secretExpiresAt: 0,
    });
    request.log.info({ client_id: client.clientId }, 'client registered');
    // RFC 7591 §3.2.1: 201 Created; the response carries credentials, so it must not be cached.
    reply.status(201).header('cache-control', 'no-store').header('pragma', 'no-cache');
    return clientInformation(client, {
      secret,
      registrationAccessToken,
      registrationClientUri: `${url}/${encodeURIComponent(client.clientId)}`,
    });
  });

  await clientConfigurationRoutes(app, options, url);
}
