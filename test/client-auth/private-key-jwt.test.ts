import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import {
  assertion,
  cc,
  clientKey,
  rpConfig,
  SECRETS,
  startJwksHost,
  TOKEN_TEST_SCOPES,
  tokenClients,
  type ClientKey,
  type JwksHost,
} from '../support/token-clients.js';
import { assertAccepted, assertionRefusals, assertRefused } from './assertion-cases.js';

for (const database of DATABASES) {
  describe(`private_key_jwt (${database})`, () => {
    let server: TestServer;
    let tokenUrl: string;
    let pk: ClientKey;
    let other: ClientKey;
    let rsa: ClientKey;
    let uriKey: ClientKey;
    let rotated: ClientKey;
    let host: JwksHost;
    let rotationHost: JwksHost;
    let hugeHost: JwksHost;
    before(async () => {
      [pk, other, rsa, uriKey, rotated] = await Promise.all([
        clientKey('pk-1'),
        clientKey('other-1'),
        clientKey('rsa-1', 'PS256'),
        clientKey('uri-1'),
        clientKey('uri-2'),
      ]);
      host = await startJwksHost([uriKey.publicJwk]);
      rotationHost = await startJwksHost([uriKey.publicJwk]);
      hugeHost = await startJwksHost([{ ...uriKey.publicJwk, padding: 'a'.repeat(70 * 1024) } as typeof uriKey.publicJwk]);
      const clients = [
        ...tokenClients({ pk, jwksUri: host.url }),
        { client_id: 'svc_pk_rotating', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: rotationHost.url, ...cc },
        {
          client_id: 'svc_pk_es256',
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
          jwks: { keys: [pk.publicJwk, rsa.publicJwk] },
          ...cc,
        },
        { client_id: 'svc_pk_unreachable', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://127.0.0.1:9/jwks.json', ...cc },
        { client_id: 'svc_pk_huge', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: hugeHost.url, ...cc },
      ];
      server = await startTestServer({
        database,
        config: { clients, scopes: TOKEN_TEST_SCOPES, outbound: { allowedHosts: ['127.0.0.1'] } },
      });
      tokenUrl = `${server.url}/token`;
    });
    after(async () => {
      await server.close();
      await host.close();
      await rotationHost.close();
      await hugeHost.close();
    });

    const sign = (
      key: ClientKey,
      clientId: string,
      options: { claims?: Record<string, unknown>; alg?: string; aud?: string | string[] } = {},
    ) =>
      assertion(key.privateKey, clientId, options.aud ?? server.url, {
        alg: options.alg ?? 'ES256',
        header: { kid: key.kid },
        claims: options.claims,
      });

    it('authenticates an assertion made by openid-client with a key from registered jwks', async () => {
      const config = await rpConfig(server.url, 'svc_pk', oidc.PrivateKeyJwt({ key: pk.privateKey, kid: pk.kid }));
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.equal(typeof tokens.access_token, 'string');
    });

    it('authenticates with a key served at jwks_uri (openid-client)', async () => {
      const config = await rpConfig(server.url, 'svc_pk_uri', oidc.PrivateKeyJwt({ key: uriKey.privateKey, kid: uriKey.kid }));
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.equal(typeof tokens.access_token, 'string');
      const fetches = host.fetches;
      await assertAccepted(tokenUrl, await sign(uriKey, 'svc_pk_uri'), 'second use, cached');
      assert.equal(host.fetches, fetches, 'the key set is cached');
    });

    it('accepts an assertion without kid when the alg picks the key', async () => {
      await assertAccepted(tokenUrl, await assertion(pk.privateKey, 'svc_pk', server.url, { alg: 'ES256' }), 'no kid');
    });

    it('re-fetches jwks_uri once when the client rotated to a key it does not know yet', async () => {
      await assertAccepted(tokenUrl, await sign(uriKey, 'svc_pk_rotating'), 'before rotation');
      const before = rotationHost.fetches;
      rotationHost.keys = [rotated.publicJwk];
      await assertAccepted(tokenUrl, await sign(rotated, 'svc_pk_rotating'), 'after rotation');
      assert.equal(rotationHost.fetches, before + 1);
      // An unknown kid right after: refused, and no further fetch within the cooldown.
      await assertRefused(tokenUrl, await sign(other, 'svc_pk_rotating'), 'unknown kid');
      assert.equal(rotationHost.fetches, before + 1);
    });

    it('refuses when jwks_uri cannot be fetched or serves more than the size limit', async () => {
      await assertRefused(tokenUrl, await sign(pk, 'svc_pk_unreachable'), 'unreachable jwks_uri');
      await assertRefused(tokenUrl, await sign(uriKey, 'svc_pk_huge'), 'oversized jwks');
      assert.equal(hugeHost.fetches, 1);
    });

    it('refuses a replayed jti', async () => {
      const jwt = await sign(pk, 'svc_pk');
      await assertAccepted(tokenUrl, jwt, 'first use');
      await assertRefused(tokenUrl, jwt, 'replay');
    });

    it('refuses an HS256 assertion for a private_key_jwt client', async () => {
      await assertRefused(
        tokenUrl,
        await assertion(new TextEncoder().encode(SECRETS.jwt), 'svc_pk', server.url, { alg: 'HS256' }),
        'HS256',
      );
    });

    it('refuses a key the client did not register, even with a registered kid', async () => {
      await assertRefused(
        tokenUrl,
        await assertion(other.privateKey, 'svc_pk', server.url, { alg: 'ES256', header: { kid: pk.kid } }),
        'foreign key',
      );
    });

    it('refuses an alg other than the registered token_endpoint_auth_signing_alg', async () => {
      await assertRefused(tokenUrl, await sign(rsa, 'svc_pk_es256', { alg: 'PS256' }), 'PS256 for an ES256 client');
      await assertAccepted(tokenUrl, await sign(pk, 'svc_pk_es256'), 'ES256');
    });

    for (const [label, build] of assertionRefusals({
      tokenUrl: () => tokenUrl,
      issuer: () => server.url,
      clientId: 'svc_pk',
      key: () => pk.privateKey,
      alg: 'ES256',
      wrongKey: () => other.privateKey,
    })) {
      it(`refuses ${label}`, async () => assertRefused(tokenUrl, await build(), label));
    }
  });
}
