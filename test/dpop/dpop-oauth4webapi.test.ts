import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { calculateJwkThumbprint, decodeJwt, exportJWK } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, DEFAULT_USER } from '../support/browser-less.js';
import { approveDirectly } from '../support/device-fixtures.js';
import { GRANT_DEVICE_CODE } from '../../src/clients/client.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

const CLIENTS = [
  {
    client_id: 'svc',
    client_secret: 'svc-secret-svc-secret',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
  },
  {
    client_id: 'spa',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['https://spa.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    dpop_bound_access_tokens: true,
  },
  { client_id: 'tv', token_endpoint_auth_method: 'none', grant_types: [GRANT_DEVICE_CODE, 'refresh_token'], response_types: [] },
];

/** Runs `request` again once if the server asked for a DPoP nonce (RFC 9449 §8): the handle has cached it. */
async function withNonceRetry<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    nonceChallenges++;
    return request();
  }
}
let nonceChallenges = 0;

for (const database of DATABASES) {
  for (const requireNonce of [false, true]) {
    describe(`oauth4webapi with DPoP (${database}${requireNonce ? ', nonces required' : ''})`, () => {
      let server: TestServer;
      let as: oauth.AuthorizationServer;
      let keyPair: CryptoKeyPair;
      let jkt: string;
      before(async () => {
        server = await startTestServer({ database, config: { clients: CLIENTS, users: [DEFAULT_USER], dpop: { requireNonce } } });
        const issuer = new URL(server.url);
        as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
        keyPair = await oauth.generateKeyPair('ES256');
        jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
      });
      after(() => server.close());

      it('client_credentials: a DPoP-bound token', async () => {
        const client: oauth.Client = { client_id: 'svc' };
        const DPoP = oauth.DPoP(client, keyPair);
        nonceChallenges = 0;
        const tokens = await withNonceRetry(async () =>
          oauth.processClientCredentialsResponse(
            as,
            client,
            await oauth.clientCredentialsGrantRequest(
              as,
              client,
              oauth.ClientSecretPost('svc-secret-svc-secret'),
              {},
              { DPoP, ...insecure },
            ),
          ),
        );
        assert.equal(tokens.token_type, 'dpop');
        assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt });
        // The handle's first request had no nonce: challenged only when the server requires one.
        assert.equal(nonceChallenges, requireNonce ? 1 : 0);
      });

      it('authorization code with dpop_jkt, userinfo with DPoP, then refresh with the same key', async () => {
        const client: oauth.Client = { client_id: 'spa' };
        const DPoP = oauth.DPoP(client, keyPair);
        const verifier = oauth.generateRandomCodeVerifier();
        const state = oauth.generateRandomState();
        const result = await authorize(server.url, {
          response_type: 'code',
          client_id: 'spa',
          redirect_uri: 'https://spa.example/cb',
          scope: 'openid email offline_access',
          prompt: 'consent',
          state,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          dpop_jkt: jkt,
        });
        const callback = oauth.validateAuthResponse(as, client, new URL(result.location), state);
        const tokens = await withNonceRetry(async () =>
          oauth.processAuthorizationCodeResponse(
            as,
            client,
            await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, 'https://spa.example/cb', verifier, {
              DPoP,
              ...insecure,
            }),
          ),
        );
        assert.equal(tokens.token_type, 'dpop');
        assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt });
        const sub = decodeJwt(tokens.id_token!).sub!;

        const claims = await withNonceRetry(async () =>
          oauth.processUserInfoResponse(
            as,
            client,
            sub,
            await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...insecure }),
          ),
        );
        assert.equal(claims.email, DEFAULT_USER.claims.email);

        const refreshed = await withNonceRetry(async () =>
          oauth.processRefreshTokenResponse(
            as,
            client,
            await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, { DPoP, ...insecure }),
          ),
        );
        assert.equal(refreshed.token_type, 'dpop');
        assert.deepEqual(decodeJwt(refreshed.access_token).cnf, { jkt });
      });

      it('device code: the polled tokens are DPoP-bound', async () => {
        const client: oauth.Client = { client_id: 'tv' };
        const DPoP = oauth.DPoP(client, keyPair);
        const device = await oauth.processDeviceAuthorizationResponse(
          as,
          client,
          await oauth.deviceAuthorizationRequest(as, client, oauth.None(), { scope: 'openid offline_access' }, insecure),
        );
        await approveDirectly(server.services, device.user_code);
        const tokens = await withNonceRetry(async () =>
          oauth.processDeviceCodeResponse(
            as,
            client,
            await oauth.deviceCodeGrantRequest(as, client, oauth.None(), device.device_code, { DPoP, ...insecure }),
          ),
        );
        assert.equal(tokens.token_type, 'dpop');
        assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt });
        // A public client's refresh token is bound to the key (RFC 9449 §5).
        const [record] = await server.services.db.selectFrom('refresh_tokens').select('dpop_jkt').where('client_id', '=', 'tv').execute();
        assert.equal(record.dpop_jkt, jkt);
      });
    });
  }
}
