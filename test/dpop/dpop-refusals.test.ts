import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, SignJWT } from 'jose';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import { DATABASES } from '../support/databases.js';
import { DEFAULT_USER } from '../support/browser-less.js';
import { issueCode } from '../support/issue-code.js';
import { dpopKey, dpopProof, unsignedProof, type DpopKey } from '../support/dpop-fixtures.js';
import { dpopNonces } from '../../src/dpop/dpop-nonces.js';
import { deriveKey } from '../../src/util/secret-box.js';

const SVC = { client_id: 'svc', client_secret: 'svc-secret-svc-secret', grant_types: ['client_credentials'], response_types: [] };
export const DPOP_TEST_CLIENTS = [
  { ...SVC, token_endpoint_auth_method: 'client_secret_post' },
  {
    client_id: 'bound',
    client_secret: 'bound-secret-bound-secret',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    dpop_bound_access_tokens: true,
  },
  {
    client_id: 'spa',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['https://app.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    client_id: 'web',
    client_secret: 'web-secret-web-secret',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: ['https://app.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    access_token_format: 'opaque',
  },
];

type Json = Record<string, any>;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Json;
}

/** POST /token in-process, with the DPoP header(s) given. */
async function token(server: TestServer, form: Record<string, string>, dpop?: string | string[]): Promise<Answer> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(dpop !== undefined ? { dpop } : {}) },
    payload: new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body ? response.json() : {} };
}

async function userinfo(server: TestServer, authorization: string, dpop?: string): Promise<Answer> {
  const response = await server.app.inject({
    method: 'GET',
    url: '/userinfo',
    headers: { authorization, ...(dpop !== undefined ? { dpop } : {}) },
  });
  return { status: response.statusCode, headers: response.headers, body: response.body ? response.json() : {} };
}

const svcForm = { grant_type: 'client_credentials', client_id: SVC.client_id, client_secret: SVC.client_secret };

for (const kind of DATABASES) {
  describe(`DPoP refusals (${kind})`, () => {
    let server: TestServer;
    let key: DpopKey;
    let other: DpopKey;
    let tokenUrl: string;
    let userinfoUrl: string;
    let userId: string;

    before(async () => {
      server = await startTestServer({ database: kind, listen: false, config: { clients: DPOP_TEST_CLIENTS, users: [DEFAULT_USER] } });
      key = await dpopKey();
      other = await dpopKey('EdDSA');
      tokenUrl = `${server.url}/token`;
      userinfoUrl = `${server.url}/userinfo`;
      userId = (await server.services.users.findByUsername(DEFAULT_USER.username))!.id;
    });
    after(() => server.close());

    const refused = (answer: Answer, description: RegExp) => {
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'invalid_dpop_proof');
      assert.match(answer.body.error_description, description);
    };

    it('binds a client_credentials token to the proof key (cnf.jkt, token_type DPoP)', async () => {
      const answer = await token(server, svcForm, await dpopProof(key, { htu: tokenUrl }));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.token_type, 'DPoP');
      assert.deepEqual(decodeJwt(answer.body.access_token).cnf, { jkt: key.jkt });
      // RFC 9449 §6.2: introspection of the JWT says it is bound, and to which key.
      const introspection = await server.app.inject({
        method: 'POST',
        url: '/introspect',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          token: answer.body.access_token,
          client_id: SVC.client_id,
          client_secret: SVC.client_secret,
        }).toString(),
      });
      assert.equal(introspection.json().token_type, 'DPoP');
      assert.deepEqual(introspection.json().cnf, { jkt: key.jkt });
    });

    it('accepts htu with another case of scheme and host and the default port spelled out (RFC 9449 §4.3)', async () => {
      const url = new URL(tokenUrl);
      const htu = `HTTP://${url.hostname.toUpperCase()}:${url.port}/token`;
      const answer = await token(server, svcForm, await dpopProof(key, { htu }));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    });

    it('refuses a wrong htu, a query in htu matters not, but another path does', async () => {
      refused(await token(server, svcForm, await dpopProof(key, { htu: `${server.url}/userinfo` })), /htu/);
      refused(await token(server, svcForm, await dpopProof(key, { htu: 'https://elsewhere.example/token' })), /htu/);
      const withQuery = await token(server, svcForm, await dpopProof(key, { htu: `${tokenUrl}?x=1#f` }));
      assert.equal(withQuery.status, 200);
    });

    it('refuses a wrong htm', async () => {
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, htm: 'GET' })), /htm/);
    });

    it('refuses a proof signed by another key than its jwk', async () => {
      const swapped = await dpopProof(key, { htu: tokenUrl, header: { jwk: (await dpopKey()).publicJwk } });
      refused(await token(server, svcForm, swapped), /signature/);
      // The jwk of another key type than the algorithm's.
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, header: { jwk: other.publicJwk } })), /signature/);
    });

    it('refuses iat too old or in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, iat: now - 300 })), /iat/);
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, iat: now + 300 })), /iat/);
    });

    it('refuses a replayed jti', async () => {
      const proof = await dpopProof(key, { htu: tokenUrl });
      assert.equal((await token(server, svcForm, proof)).status, 200);
      refused(await token(server, svcForm, proof), /used before/);
    });

    it('refuses alg none and HS256', async () => {
      refused(await token(server, svcForm, unsignedProof(key, tokenUrl)), /algorithm/);
      const hs = await new SignJWT({ htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000), jti: 'hs' })
        .setProtectedHeader({
          alg: 'HS256',
          typ: 'dpop+jwt',
          jwk: { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ' } as never,
        })
        .sign(new TextEncoder().encode('secret-secret-secret-secret-1234'));
      refused(await token(server, svcForm, hs), /algorithm/);
    });

    it('refuses a private key in jwk, a wrong typ, a missing jwk and a non-JWT', async () => {
      const rsa = await dpopKey('RS256');
      const { exportJWK } = await import('jose');
      const privateJwk = await exportJWK(rsa.privateKey);
      refused(await token(server, svcForm, await dpopProof(rsa, { htu: tokenUrl, header: { jwk: privateJwk } })), /public key/);
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, header: { typ: 'JWT' } })), /typ/);
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, header: { jwk: undefined } })), /jwk/);
      refused(await token(server, svcForm, 'not-a-jwt'), /not a JWT/);
      refused(await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, claims: { jti: undefined } })), /jti/);
    });

    it('refuses two DPoP headers', async () => {
      const a = await dpopProof(key, { htu: tokenUrl });
      const b = await dpopProof(key, { htu: tokenUrl });
      refused(await token(server, svcForm, [a, b]), /exactly one/);
      refused(await token(server, svcForm, `${a}, ${b}`), /exactly one/);
    });

    it('refuses a dpop_bound_access_tokens client without a proof', async () => {
      const form = { grant_type: 'client_credentials', client_id: 'bound', client_secret: 'bound-secret-bound-secret' };
      refused(await token(server, form), /required/);
      assert.equal((await token(server, form, await dpopProof(key, { htu: tokenUrl }))).status, 200);
    });

    it('refuses a code bound with dpop_jkt when the proof key differs, or no proof comes (RFC 9449 §10)', async () => {
      for (const proof of [await dpopProof(other, { htu: tokenUrl }), undefined]) {
        const { code } = await issueCode(server.services, 'spa', userId, { dpopJkt: key.jkt });
        const answer = await token(
          server,
          { grant_type: 'authorization_code', code, client_id: 'spa', redirect_uri: 'https://app.example/cb' },
          proof,
        );
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error, 'invalid_grant');
        assert.match(answer.body.error_description, /dpop_jkt/);
      }
      const { code } = await issueCode(server.services, 'spa', userId, { dpopJkt: key.jkt });
      const form = { grant_type: 'authorization_code', code, client_id: 'spa', redirect_uri: 'https://app.example/cb' };
      assert.equal((await token(server, form, await dpopProof(key, { htu: tokenUrl }))).status, 200);
    });

    it('binds a public client refresh token: another key or no proof is invalid_grant', async () => {
      const { code } = await issueCode(server.services, 'spa', userId, { scope: 'openid offline_access' });
      const form = { grant_type: 'authorization_code', code, client_id: 'spa', redirect_uri: 'https://app.example/cb' };
      const issued = await token(server, form, await dpopProof(key, { htu: tokenUrl }));
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      const refresh = { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, client_id: 'spa' };
      for (const proof of [await dpopProof(other, { htu: tokenUrl }), undefined]) {
        const answer = await token(server, refresh, proof);
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error, 'invalid_grant');
      }
      // The refusals left the token usable: the right key refreshes it.
      const refreshed = await token(server, refresh, await dpopProof(key, { htu: tokenUrl }));
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.token_type, 'DPoP');
    });

    it('does not bind a confidential client refresh token, but binds its new access token to the proof', async () => {
      const { code } = await issueCode(server.services, 'web', userId, { scope: 'openid offline_access' });
      const creds = { client_id: 'web', client_secret: 'web-secret-web-secret' };
      const issued = await token(
        server,
        { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', ...creds },
        await dpopProof(key, { htu: tokenUrl }),
      );
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      const refreshed = await token(
        server,
        { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, ...creds },
        await dpopProof(other, { htu: tokenUrl }),
      );
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.token_type, 'DPoP');
      // The opaque token is bound in its record: introspection shows the other key.
      const introspection = await server.app.inject({
        method: 'POST',
        url: '/introspect',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token: refreshed.body.access_token, ...creds }).toString(),
      });
      assert.equal(introspection.json().token_type, 'DPoP');
      assert.deepEqual(introspection.json().cnf, { jkt: other.jkt });
    });

    describe('at userinfo', () => {
      let accessToken: string;
      before(async () => {
        const { code } = await issueCode(server.services, 'spa', userId, { scope: 'openid' });
        const form = { grant_type: 'authorization_code', code, client_id: 'spa', redirect_uri: 'https://app.example/cb' };
        accessToken = (await token(server, form, await dpopProof(key, { htu: tokenUrl }))).body.access_token;
      });
      const proofFor = (options: Partial<Parameters<typeof dpopProof>[1]> = {}, k = key) =>
        dpopProof(k, { htm: 'GET', htu: userinfoUrl, accessToken, ...options });

      it('answers a DPoP request with a proof holding ath', async () => {
        const answer = await userinfo(server, `DPoP ${accessToken}`, await proofFor());
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal(answer.body.sub, userId);
      });

      it('refuses a wrong ath with the DPoP challenge', async () => {
        const answer = await userinfo(server, `DPoP ${accessToken}`, await proofFor({ accessToken: 'another-token' }));
        assert.equal(answer.status, 401);
        assert.equal(answer.body.error, 'invalid_dpop_proof');
        assert.match(
          String(answer.headers['www-authenticate']),
          /^DPoP error="invalid_dpop_proof", error_description="[^"]*ath[^"]*", algs="[^"]*ES256/,
        );
      });

      it('refuses a proof made with another key than the token is bound to', async () => {
        const answer = await userinfo(server, `DPoP ${accessToken}`, await proofFor({}, other));
        assert.equal(answer.status, 401);
        assert.match(String(answer.headers['www-authenticate']), /^DPoP error="invalid_token"/);
      });

      it('refuses the DPoP scheme without a proof, and a wrong htu or htm', async () => {
        for (const proof of [undefined, await proofFor({ htu: tokenUrl }), await proofFor({ htm: 'POST' })]) {
          const answer = await userinfo(server, `DPoP ${accessToken}`, proof);
          assert.equal(answer.status, 401);
          assert.match(String(answer.headers['www-authenticate']), /^DPoP error="invalid_dpop_proof"/);
        }
      });

      it('refuses the bound token sent as a Bearer token, with both challenges (RFC 9449 §7.2)', async () => {
        const answer = await userinfo(server, `Bearer ${accessToken}`);
        assert.equal(answer.status, 401);
        const challenge = String(answer.headers['www-authenticate']);
        assert.match(challenge, /^DPoP error="invalid_token", error_description="[^"]+", algs="[^"]+"/);
        assert.match(challenge, /Bearer realm="tessera", error="invalid_token"$/);
      });

      it('refuses an unbound token sent with the DPoP scheme', async () => {
        const bearer = (await token(server, svcForm)).body.access_token as string;
        const answer = await userinfo(server, `DPoP ${bearer}`, await proofFor({ accessToken: bearer }));
        assert.equal(answer.status, 401);
        assert.match(String(answer.headers['www-authenticate']), /^DPoP error="invalid_token"/);
      });

      it('lets revocation end a DPoP-bound token', async () => {
        const { code } = await issueCode(server.services, 'spa', userId, { scope: 'openid' });
        const form = { grant_type: 'authorization_code', code, client_id: 'spa', redirect_uri: 'https://app.example/cb' };
        const bound = (await token(server, form, await dpopProof(key, { htu: tokenUrl }))).body.access_token as string;
        const revoked = await server.app.inject({
          method: 'POST',
          url: '/revoke',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ token: bound, client_id: 'spa' }).toString(),
        });
        assert.equal(revoked.statusCode, 200);
        const answer = await userinfo(server, `DPoP ${bound}`, await proofFor({ accessToken: bound }));
        assert.equal(answer.status, 401);
        assert.match(String(answer.headers['www-authenticate']), /^DPoP error="invalid_token"/);
      });
    });

    it('announces dpop_signing_alg_values_supported, asymmetric algorithms only', async () => {
      const doc = (await server.app.inject({ url: '/.well-known/openid-configuration' })).json();
      assert.ok(doc.dpop_signing_alg_values_supported.includes('ES256'));
      assert.ok(!doc.dpop_signing_alg_values_supported.some((alg: string) => alg.startsWith('HS') || alg === 'none'));
    });
  });

  describe(`DPoP server nonces (${kind})`, () => {
    let server: TestServer;
    let key: DpopKey;
    let tokenUrl: string;
    before(async () => {
      server = await startTestServer({
        database: kind,
        listen: false,
        config: { clients: DPOP_TEST_CLIENTS, users: [DEFAULT_USER], dpop: { requireNonce: true } },
      });
      key = await dpopKey();
      tokenUrl = `${server.url}/token`;
    });
    after(() => server.close());

    it('answers a proof without nonce with use_dpop_nonce and a DPoP-Nonce, then accepts the retry (RFC 9449 §8)', async () => {
      const first = await token(server, svcForm, await dpopProof(key, { htu: tokenUrl }));
      assert.equal(first.status, 400);
      assert.equal(first.body.error, 'use_dpop_nonce');
      const nonce = String(first.headers['dpop-nonce']);
      assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
      const retry = await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, nonce }));
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal(retry.headers['dpop-nonce'], nonce);
    });

    it('refuses a stale nonce and a made-up one', async () => {
      const stale = dpopNonces(deriveKey(TEST_SECRET, 'dpop-nonces'), 300, {
        nowSeconds: () => Math.floor(Date.now() / 1000) - 900,
      }).current();
      for (const nonce of [stale, 'x'.repeat(43)]) {
        const answer = await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, nonce }));
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error, 'use_dpop_nonce');
        assert.notEqual(answer.headers['dpop-nonce'], nonce);
      }
    });

    it('answers at userinfo with 401 and WWW-Authenticate: DPoP error="use_dpop_nonce" (RFC 9449 §9)', async () => {
      const first = await token(server, svcForm, await dpopProof(key, { htu: tokenUrl }));
      const nonce = String(first.headers['dpop-nonce']);
      const accessToken = (await token(server, svcForm, await dpopProof(key, { htu: tokenUrl, nonce }))).body.access_token as string;
      const answer = await userinfo(
        server,
        `DPoP ${accessToken}`,
        await dpopProof(key, { htm: 'GET', htu: `${server.url}/userinfo`, accessToken }),
      );
      assert.equal(answer.status, 401);
      assert.match(String(answer.headers['www-authenticate']), /^DPoP error="use_dpop_nonce"/);
      assert.equal(answer.headers['dpop-nonce'], nonce);
    });
  });
}

describe('DPoP turned off', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      listen: false,
      config: { clients: DPOP_TEST_CLIENTS.slice(0, 1), dpop: { enabled: false }, registration: { initialAccessToken: 'optional' } },
    });
  });
  after(() => server.close());

  it('refuses to register a client that needs DPoP-bound tokens (RFC 9449 §5.2)', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/reg',
      headers: { 'content-type': 'application/json' },
      payload: { redirect_uris: ['https://app.example/cb'], dpop_bound_access_tokens: true },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_client_metadata');
    assert.match(response.json().error_description, /DPoP is not enabled/);
  });

  it('announces nothing and issues Bearer tokens, whatever the DPoP header says', async () => {
    const doc = (await server.app.inject({ url: '/.well-known/openid-configuration' })).json();
    assert.equal(doc.dpop_signing_alg_values_supported, undefined);
    const answer = await token(server, svcForm, 'not-a-jwt');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(decodeJwt(answer.body.access_token).cnf, undefined);
  });
});
