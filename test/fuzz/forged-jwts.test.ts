import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SignJWT, generateKeyPair, UnsecuredJWT } from 'jose';
import { DATABASES } from '../support/databases.js';
import { assertSafeAnswer, send, startFuzzServer, type FuzzServer } from './hostile-server.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** JWTs an attacker can make: unsigned, signed with a guess or a foreign key, expired, for someone else. */
async function forgedJwts(fuzz: FuzzServer): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const tokenUrl = `${fuzz.server.url}/token`;
  const foreign = await generateKeyPair('RS256');
  const right = new TextEncoder().encode(fuzz.secrets.jwtClientSecret);
  const claims = { iss: 'jwt', sub: 'jwt', aud: tokenUrl, jti: `j-${Math.random()}` };
  const own = fuzz.server.services.keys.signingKey();
  return {
    unsigned: new UnsecuredJWT({ ...claims, exp: now + 60 }).encode(),
    wrongSecret: await new SignJWT({ ...claims, exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('guessed-secret-guessed-secret-guessed')),
    expired: await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 }).setProtectedHeader({ alg: 'HS256' }).sign(right),
    wrongAudience: await new SignJWT({ ...claims, aud: 'https://elsewhere.example/token', exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(right),
    foreignKey: await new SignJWT({ ...claims, exp: now + 60 }).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).sign(foreign.privateKey),
    // Signed by the server's own key: a real token, but not a client assertion.
    serverSigned: await new SignJWT({ ...claims, exp: now + 60 }).setProtectedHeader({ alg: own.alg, kid: own.kid }).sign(own.privateKey),
    expiredIdToken: await new SignJWT({ iss: fuzz.server.url, sub: 'someone', aud: 'conf', iat: now - 7200, exp: now - 3600 })
      .setProtectedHeader({ alg: own.alg, kid: own.kid })
      .sign(own.privateKey),
    garbage: 'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln',
    headerOnly: 'eyJhbGciOiJub25lIn0..',
  };
}

for (const database of DATABASES) {
  describe(`forged and expired JWTs (${database})`, () => {
    let fuzz: FuzzServer;
    let jwts: Record<string, string>;
    before(async () => {
      fuzz = await startFuzzServer(database);
      jwts = await forgedJwts(fuzz);
    });
    after(() => fuzz.server.close());

    it('refuses every forged client assertion at the token endpoint with invalid_client (RFC 7523 §3)', async () => {
      for (const [name, assertion] of Object.entries(jwts)) {
        const body = new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'jwt',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: assertion,
        }).toString();
        const req = { method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
        const res = await send(fuzz.server.url, req);
        assertSafeAnswer(fuzz, req, res);
        assert.ok([400, 401].includes(res.status), `${name}: ${res.status} ${res.body}`);
        assert.ok(['invalid_client', 'invalid_request'].includes(JSON.parse(res.body).error), `${name}: ${res.body}`);
      }
    });

    it('never accepts a forged JWT wherever a JWT is read (assertions, id_token_hint, bearer tokens)', async () => {
      const paths = fuzz.paths.filter((p) => !p.startsWith('/.well-known'));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...paths),
          fc.constantFrom(...Object.keys(jwts)),
          fc.constantFrom('client_assertion', 'id_token_hint', 'token', 'refresh_token', 'code', 'request', 'logout_token', 'bearer'),
          fc.constantFrom('GET', 'POST'),
          async (path, jwtName, where, method) => {
            const jwt = jwts[jwtName];
            const params = new URLSearchParams(
              where === 'bearer'
                ? {}
                : {
                    [where]: jwt,
                    client_id: 'jwt',
                    client_assertion_type: ASSERTION_TYPE,
                    post_logout_redirect_uri: 'https://client.example/bye',
                    grant_type: 'client_credentials',
                    response_type: 'code',
                    scope: 'openid',
                    redirect_uri: 'https://client.example/cb',
                    prompt: 'none',
                  },
            ).toString();
            const headers: Record<string, string> = where === 'bearer' ? { authorization: `Bearer ${jwt}` } : {};
            const req =
              method === 'GET'
                ? { method, path: `${path}?${params}`, headers }
                : { method, path, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: params };
            const res = await send(fuzz.server.url, req);
            assertSafeAnswer(fuzz, req, res);
            // A forged token never buys a token or user data.
            if (res.status === 200 && String(res.headers['content-type']).startsWith('application/json')) {
              const body = JSON.parse(res.body) as Record<string, unknown>;
              assert.equal(body.access_token, undefined, `${path} ${where}=${jwtName} issued a token`);
              assert.equal(body.sub, undefined, `${path} ${where}=${jwtName} revealed user data`);
              if ('active' in body) assert.equal(body.active, false, `${path}: a forged token is never active`);
            }
          },
        ),
        { numRuns: 200, endOnFailure: true },
      );
    });
  });
}
