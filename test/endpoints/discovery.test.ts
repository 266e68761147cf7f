import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';

for (const database of DATABASES) {
  describe(`discovery and JWKS (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database });
    });
    after(() => server.close());

    it('is read by openid-client discovery', async () => {
      const config = await client.discovery(new URL(server.url), 'some-client', 'secret', undefined, {
        execute: [client.allowInsecureRequests],
      });
      const metadata = config.serverMetadata();
      assert.equal(metadata.issuer, server.url);
      assert.equal(metadata.token_endpoint, `${server.url}/token`);
      assert.equal(metadata.jwks_uri, `${server.url}/jwks`);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.ok((metadata.id_token_signing_alg_values_supported ?? []).includes('RS256'));
    });

    it('serves the same document at the RFC 8414 path', async () => {
      const a = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
      const b = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
      assert.deepEqual(a, b);
    });

    it('publishes public keys only, each with a unique kid', async () => {
      const response = await fetch(`${server.url}/jwks`);
      assert.equal(response.status, 200);
      const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
      assert.ok(keys.length >= 1);
      for (const key of keys) {
        for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
          assert.equal(key[privateMember], undefined, `no ${privateMember}`);
        assert.equal(typeof key.kid, 'string');
        assert.equal(key.use, 'sig');
      }
      assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length);
    });
  });
}
