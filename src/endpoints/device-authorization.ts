import type { FastifyInstance } from 'fastify';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import type { Config } from '../config/load-config.js';
import { isAdminScope } from '../rules/admin-scopes.js';
import { GRANT_DEVICE_CODE } from '../clients/client.js';
import { formParams } from '../protocol/params.js';
import { UnauthorizedClient } from '../protocol/oauth-errors.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import { allowedScopes, refuseUnallowed, type KnownScopes } from '../rules/scope.js';
import { allowedResources, checkResource, type ResourcePolicy } from '../rules/resource.js';
import type { DeviceCodesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { formatUserCode, generateUserCode } from '../tokens/user-code.js';
import { limitDeviceAuthorization, type DeviceAuthorizationLimitDeps } from '../device/limit-device-authorization.js';

/** RFC 8628 §3.2: what the device shows and how it polls. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface DeviceAuthorizationOptions {
  config: Pick<Config, 'issuer' | 'device'> & { ttl: Pick<Config['ttl'], 'deviceCode'> };
  rateLimiter: DeviceAuthorizationLimitDeps['rateLimiter'];
  metadata: ProviderMetadata;
  clientAuth: Pick<ClientAuthenticator, 'authenticate'>;
  deviceCodes: Pick<DeviceCodesStore, 'create' | 'findByUserCode'>;
  /** Scopes this provider knows. */
  scopes: KnownScopes;
  /** The audiences tokens may have (config accessTokens): RFC 8707 `resource`. */
  resourcePolicy: ResourcePolicy;
  clock: Clock;
}

/**
 * RFC 8628 §3.1: the device authorization endpoint, `POST /device/auth`. The device_code
 * grant it starts is redeemed at the token endpoint (grants/device-code.ts).
 */
export async function deviceAuthorizationEndpoint(app: FastifyInstance, options: DeviceAuthorizationOptions): Promise<void> {
  const { config, deviceCodes } = options;
  const { issuer } = config;
  const url = `${issuer}/device/auth`;
  // RFC 8628 §4: advertised in the authorization server metadata.
  options.metadata.set('device_authorization_endpoint', url);

  app.post('/device/auth', async (request, reply) => {
    const params = formParams(request);
    // §3.1: confidential clients authenticate as at the token endpoint (RFC 6749 §2.3).
    const client = await options.clientAuth.authenticate(request, params, url);
    // §3.2 → RFC 6749 §5.2: unauthorized_client for a client not registered for this grant.
    if (!client.metadata.grant_types.includes(GRANT_DEVICE_CODE)) {
      throw new UnauthorizedClient('the client is not allowed to use the device authorization grant');
    }
    // RFC 8628 §3.1 scope, RFC 6749 §3.3: only scopes the server offers and the client is registered for;
    // never the admin API's, which are granted where the person's admin role is checked (/auth).
    const allowed = new Set([...allowedScopes(client, options.scopes)].filter((scope) => !isAdminScope(scope)));
    const scope = refuseUnallowed(params.scope, client, allowed);
    // RFC 8707 §2: the resource the tokens are for, one the client may use, else invalid_target.
    const resource = checkResource(params, allowedResources(client, options.resourcePolicy)) ?? null;
    // §5.2: public clients' requests are limited per client and address before a row is stored.
    await limitDeviceAuthorization(options, client, request.ip);

    const deviceCode = randomToken(32); // §5.2: high entropy, stored only as a hash
    const now = options.clock.nowSeconds();
    const ttl = config.ttl.deviceCode;
    const interval = config.device.interval;
    const userCode = await createWithFreshUserCode(deviceCodes, async (code) =>
      deviceCodes.create({
        deviceCodeHash: hashToken(deviceCode),
        userCode: code,
        clientId: client.clientId,
        scope,
        status: 'pending',
        userId: null,
        grantId: null,
        authTime: null,
        acr: null,
        amr: [],
        sid: null,
        resource,
        interval,
        lastPolledAt: null,
        createdAt: now,
        expiresAt: now + ttl,
        consumedAt: null,
      }),
    );
    const shown = formatUserCode(userCode);
    const body: DeviceAuthorizationResponse = {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: `${issuer}/device`,
      // §3.3.1: lets the device show a QR code or link that carries the user code.
      verification_uri_complete: `${issuer}/device?user_code=${shown}`,
      expires_in: ttl,
      interval,
    };
    // The device code is a credential (RFC 6749 §5.1 by analogy): never cached.
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return body;
  });
}

/** Stores a new device code under a fresh user code, drawing again on the rare unique-key collision. */
async function createWithFreshUserCode(
  deviceCodes: Pick<DeviceCodesStore, 'findByUserCode'>,
  create: (userCode: string) => Promise<void>,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const userCode = generateUserCode();
    if (await deviceCodes.findByUserCode(userCode)) continue;
    try {
      await create(userCode);
      return userCode;
    } catch (err) {
      // A concurrent request took the same code between the check and the insert.
      if (attempt >= 3) throw err;
    }
  }
}
