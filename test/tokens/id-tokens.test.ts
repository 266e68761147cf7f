import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { ALICE, aliceId, postCredentials, tokenTestConfig } from '../support/token-fixtures.js';
import { tokenHash } from '../../src/tokens/token-hash.js';

function leftHalf(token: string, hash: string): string {
  const digest = createHash(hash).update(token).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

async function codeTokens(server: TestServer, clientId: string, sub: string, overrides: Record<string, unknown> = {}) {
  const { code } = await issueCode(server.services, clientId, sub, overrides);
  const result = await postToken(server.url, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://app.example/cb',
    ...postCredentials(clientId),
  });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body;
}

describe('token hash (OIDC Core §3.1.3.6)', () => {
  it('is the left half of the hash matching the alg, base64url', () => {
    const token = 'jHkWEdUXMU1BwAsC4vtUsZwnNJjPK8zR';
    assert.equal(tokenHash(token, 'RS256'), leftHalf(token, 'sha256'));
    assert.equal(tokenHash(token, 'ES384'), leftHalf(token, 'sha384'));
    assert.equal(tokenHash(token, 'PS512'), leftHalf(token, 'sha512'));
    assert.equal(tokenHash(token, 'EdDSA'), leftHalf(token, 'sha512'));
    assert.equal(tokenHash(token, 'RS256').length, 22);
  });
});

for (const database of DATABASES) {
  describe(`ID tokens (${database})`, () => {
    let server: TestServer;
    let sub: string;
    let jwks: ReturnType<typeof createRemoteJWKSet>;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig() });
      sub = await aliceId(server);
      jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
    });
    after(() => server.close());

    it('carries iss, sub, aud, exp, iat, auth_time, nonce, at_hash, sid, acr, amr, signed with a published kid', async () => {
      const authTime = Math.floor(Date.now() / 1000) - 30;
      const body = await codeTokens(server, 'web', sub, {
        nonce: 'nonce-123',
        sid: 'session-9',
        acr: 'urn:tessera:pwd',
        amr: ['pwd'],
        authTime,
      });
      const header = decodeProtectedHeader(body.id_token);
      assert.equal(header.alg, 'RS256');
      assert.equal(header.typ, 'JWT');
      assert.equal(typeof header.kid, 'string');
      const { payload } = await jwtVerify(body.id_token, jwks, { issuer: server.url, audience: 'web' });
      assert.equal(payload.sub, sub);
      assert.equal(payload.aud, 'web');
      assert.equal(payload.auth_time, authTime);
      assert.equal(payload.nonce, 'nonce-123');
      assert.equal(payload.sid, 'session-9');
      assert.equal(payload.acr, 'urn:tessera:pwd');
      assert.deepEqual(payload.amr, ['pwd']);
      assert.equal(payload.at_hash, leftHalf(body.access_token, 'sha256'));
      assert.equal((payload.exp as number) - (payload.iat as number), 3600);
      assert.ok(Math.abs((payload.iat as number) - Date.now() / 1000) < 60);
      assert.equal(payload.azp, undefined, 'single audience: no azp');
    });

    it('always includes auth_time and leaves out what is unknown', async () => {
      const body = await codeTokens(server, 'web', sub);
      const { payload } = await jwtVerify(body.id_token, jwks, { issuer: server.url, audience: 'web' });
      assert.equal(typeof payload.auth_time, 'number');
      for (const absent of ['nonce', 'sid', 'acr', 'amr']) assert.equal(payload[absent], undefined, absent);
    });

    it('keeps scope claims for userinfo by default (OIDC Core §5.4)', async () => {
      const body = await codeTokens(server, 'web', sub, { scope: 'openid profile email' });
      const { payload } = await jwtVerify(body.id_token, jwks, { issuer: server.url, audience: 'web' });
      assert.equal(payload.name, undefined);
      assert.equal(payload.email, undefined);
    });

    it('puts claims requested for the id_token in it (OIDC Core §5.5), and only those', async () => {
      const claims = { id_token: { email: { essential: true }, sub: { value: 'someone-else' } }, userinfo: { name: null } };
      const body = await codeTokens(server, 'web', sub, { claims });
      const { payload } = await jwtVerify(body.id_token, jwks, { issuer: server.url, audience: 'web' });
      assert.equal(payload.email, ALICE.claims.email);
      assert.equal(payload.sub, sub);
      assert.equal(payload.name, undefined, 'requested for userinfo only');
    });

    it('signs with ES256 when the client registered it', async () => {
      const body = await codeTokens(server, 'es256', sub);
      assert.equal(decodeProtectedHeader(body.id_token).alg, 'ES256');
      // A fresh key set: the ES256 key was created after the cached JWKS was fetched.
      const { payload } = await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: 'es256',
      });
      assert.equal(payload.at_hash, leftHalf(body.access_token, 'sha256'));
    });

    it('signs with EdDSA (Ed25519) and hashes at_hash with SHA-512', async () => {
      const body = await codeTokens(server, 'eddsa', sub);
      assert.equal(decodeProtectedHeader(body.id_token).alg, 'EdDSA');
      const { payload } = await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: 'eddsa',
      });
      assert.equal(payload.at_hash, leftHalf(body.access_token, 'sha512'));
    });
  });

  describe(`ID tokens with scope claims (${database})`, () => {
    let server: TestServer;
    let sub: string;
    before(async () => {
      server = await startTestServer({
        database,
        config: tokenTestConfig({ idTokens: { includeScopeClaims: true }, ttl: { idToken: 120 } }),
      });
      sub = await aliceId(server);
    });
    after(() => server.close());

    it('includes the claims of granted scopes when configured, with the configured lifetime', async () => {
      const body = await codeTokens(server, 'web', sub, { scope: 'openid email' });
      const { payload } = await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: 'web',
      });
      assert.equal(payload.email, ALICE.claims.email);
      assert.equal(payload.email_verified, true);
      assert.equal(payload.name, undefined, 'profile was not granted');
      assert.equal((payload.exp as number) - (payload.iat as number), 120);
    });
  });
}
