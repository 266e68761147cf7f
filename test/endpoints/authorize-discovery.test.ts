import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';

for (const database of DATABASES) {
  describe(`discovery of the authorization endpoint (${database})`, () => {
    let server: TestServer;
    let strict: TestServer;
    before(async () => {
      server = await startTestServer({ database });
      strict = await startTestServer({
        database,
        config: { pkce: { requiredForAll: true, allowPlain: false }, subjects: { pairwise: false } },
      });
    });
    after(async () => {
      await server.close();
      await strict.close();
    });

    it('lists what /auth supports: request objects by value, request_uri only from PAR', async () => {
      const config = await client.discovery(new URL(server.url), 'x', undefined, undefined, { execute: [client.allowInsecureRequests] });
      const m = config.serverMetadata();
      assert.equal(m.authorization_endpoint, `${server.url}/auth`);
      assert.deepEqual(m.response_types_supported, ['code']);
      assert.deepEqual(m.response_modes_supported, ['query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt']);
      assert.deepEqual(m.authorization_signing_alg_values_supported, ['RS256', 'ES256', 'EdDSA']);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256', 'plain']);
      assert.deepEqual(m.subject_types_supported, ['public', 'pairwise']);
      assert.deepEqual(m.prompt_values_supported, ['none', 'login', 'consent', 'select_account']);
      assert.equal(m.claims_parameter_supported, true);
      assert.equal(m.request_parameter_supported, true);
      assert.equal(m.require_signed_request_object, false);
      assert.equal(m.pushed_authorization_request_endpoint, `${server.url}/par`);
      assert.equal(m.require_pushed_authorization_requests, false);
      assert.equal(m.request_uri_parameter_supported, false);
      assert.equal(m.authorization_response_iss_parameter_supported, true);
      const claims = m.claims_supported as string[];
      for (const claim of ['sub', 'name', 'email', 'email_verified', 'address', 'phone_number']) assert.ok(claims.includes(claim), claim);
    });

    it('drops plain when the setting turns it off', async () => {
      const doc = (await (await fetch(`${strict.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    });

    it('announces pairwise subject identifiers only while subjects.pairwise is on', async () => {
      const doc = (await (await fetch(`${strict.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.deepEqual(doc.subject_types_supported, ['public']);
    });
  });
}
