import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { clientKey, TEST_USERS, TOKEN_TEST_SCOPES, tokenClients, userGrant } from '../support/token-clients.js';
import { hashToken } from '../../src/util/hashing.js';
import type { Client } from '../../src/clients/client.js';

for (const database of DATABASES) {
  describe(`access tokens, RFC 9068 JWT and opaque (${database})`, () => {
    let server: TestServer;
    let service: Client;
    let opaqueClient: Client;
    before(async () => {
      const pk = await clientKey('pk-1');
      server = await startTestServer({
        database,
        config: { clients: tokenClients({ pk, jwksUri: 'https://jwks.invalid/keys' }), scopes: TOKEN_TEST_SCOPES, users: TEST_USERS },
      });
      service = (await server.services.clients.find('svc_post'))!;
      opaqueClient = (await server.services.clients.find('svc_opaque'))!;
    });
    after(() => server.close());

    const tokens = () => server.services.accessTokens;

    it('signs a user token per RFC 9068 §2: typ at+jwt, kid, and iss exp aud sub client_id iat jti scope', async () => {
      const { accessToken, user } = await userGrant(server.services, 'web_app', 'openid read_api');
      const header = decodeProtectedHeader(accessToken);
      assert.equal(header.typ, 'at+jwt');
      assert.equal(header.alg, 'RS256');
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      const { payload } = await jwtVerify(accessToken, jwks, { issuer: server.url, audience: server.url, typ: 'at+jwt' });
      assert.deepEqual(Object.keys(payload).sort(), ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
      assert.equal(payload.sub, user.id);
      assert.equal(payload.client_id, 'web_app');
      assert.equal(payload.scope, 'openid read_api');
      assert.equal(header.kid, server.services.keys.signingKey().kid);
    });

    it('gives every token its own jti and verifies it back to the same facts', async () => {
      const a = await tokens().issue({ client: service, scope: 'read_api', ttl: 60, audience: 'https://api.example.com' });
      const b = await tokens().issue({ client: service, scope: 'read_api', ttl: 60 });
      assert.notEqual(a.jti, b.jti);
      const info = await tokens().verify(a.token);
      assert.equal(info?.jti, a.jti);
      assert.equal(info?.format, 'jwt');
      assert.equal(info?.clientId, 'svc_post');
      assert.equal(info?.sub, 'svc_post');
      assert.equal(info?.userId, undefined);
      assert.equal(info?.aud, 'https://api.example.com');
    });

    it('refuses JWTs that are not its access tokens: another typ, issuer, key, alg none, expired, oversized', async () => {
      const key = server.services.keys.signingKey();
      const claims = { client_id: 'svc_post', jti: 'x1', sub: 'svc_post' };
      const sign = (typ: string, issuer: string, signingKey = key.privateKey, exp = '1m') =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
          .setIssuer(issuer)
          .setAudience(server.url)
          .setIssuedAt()
          .setExpirationTime(exp)
          .sign(signingKey);
      assert.equal(await tokens().verify(await sign('JWT', server.url)), undefined, 'typ JWT (an ID token is no access token)');
      assert.equal(await tokens().verify(await sign('at+jwt', 'https://evil.example')), undefined, 'foreign issuer');
      const { privateKey } = await generateKeyPair('RS256');
      assert.equal(await tokens().verify(await sign('at+jwt', server.url, privateKey)), undefined, 'our kid, another key');
      assert.equal(await tokens().verify(await sign('at+jwt', server.url, key.privateKey, '-10s')), undefined, 'expired');
      const good = await sign('at+jwt', server.url);
      assert.ok(await tokens().verify(good), 'the control case verifies');
      const [, payload] = good.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid })).toString('base64url')}.${payload}.`;
      assert.equal(await tokens().verify(none), undefined, 'alg none');
      assert.equal(await tokens().verify('x'.repeat(9000)), undefined, 'oversized');
    });

    it('records the revocation of a JWT by jti until it expires; the signature alone still verifies', async () => {
      const issued = await tokens().issue({ client: service, scope: '', ttl: 60 });
      const info = (await tokens().verify(issued.token))!;
      await tokens().revoke(info);
      await tokens().revoke(info);
      assert.equal(await tokens().verify(issued.token), undefined);
      const row = await server.services.db.selectFrom('access_tokens').selectAll().where('jti', '=', issued.jti).executeTakeFirst();
      assert.equal(row?.expires_at, info.exp, 'kept until the token expires, then cleaned up');
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      await jwtVerify(issued.token, jwks, { issuer: server.url, typ: 'at+jwt' });
    });

    it('stores opaque tokens hashed, never in the clear', async () => {
      const issued = await tokens().issue({ client: opaqueClient, scope: 'read_api', ttl: 60 });
      assert.equal(issued.format, 'opaque');
      assert.throws(() => decodeJwt(issued.token));
      const rows = await server.services.db.selectFrom('access_tokens').selectAll().where('client_id', '=', 'svc_opaque').execute();
      assert.ok(rows.some((r) => r.token_hash === hashToken(issued.token)));
      assert.ok(rows.every((r) => !JSON.stringify(r).includes(issued.token)));
      const info = (await tokens().verify(issued.token))!;
      assert.equal(info.scope, 'read_api');
      await tokens().revoke(info);
      assert.equal(await tokens().verify(issued.token), undefined);
    });

    it('stops honouring the tokens of a client that was deleted (RFC 7592 §2.3), JWT and opaque alike', async () => {
      const { client } = await server.services.clients.save(
        { client_id: 'svc_doomed', client_secret: 'doomed-secret', grant_types: ['client_credentials'], response_types: [] },
        'cli',
      );
      const jwt = await tokens().issue({ client, scope: 'read_api', ttl: 60 });
      const opaque = await tokens().issue({
        client: { ...client, metadata: { ...client.metadata, access_token_format: 'opaque' } },
        scope: 'read_api',
        ttl: 60,
      });
      assert.ok(await tokens().verify(jwt.token));
      assert.ok(await tokens().verify(opaque.token));
      await server.services.clients.delete('svc_doomed');
      assert.equal(await tokens().verify(jwt.token), undefined);
      assert.equal(await tokens().verify(opaque.token), undefined);
    });

    it('stops honouring a user JWT when its grant is revoked', async () => {
      const { accessToken, grantId } = await userGrant(server.services, 'web_app');
      assert.ok(await tokens().verify(accessToken));
      await server.services.grantsStore.revoke(grantId, Math.floor(Date.now() / 1000));
      assert.equal(await tokens().verify(accessToken), undefined);
    });

    it('still verifies tokens signed by a key that rotation retired, and signs new ones with the new key', async () => {
      const old = await tokens().issue({ client: service, scope: '', ttl: 60 });
      const newKid = await server.services.keys.addKey('RS256');
      await server.services.keys.reload();
      assert.ok(await tokens().verify(old.token));
      const fresh = await tokens().issue({ client: service, scope: '', ttl: 60 });
      assert.equal(decodeProtectedHeader(fresh.token).kid, newKid);
      assert.ok(await tokens().verify(fresh.token));
    });
  });
}
