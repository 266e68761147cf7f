import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { startCountingListener, type CountingListener } from '../support/counting-listener.js';
import { assertion, assertionForm, cc, clientKey, postForm, type ClientKey } from '../support/token-clients.js';
import { logoutTestConfig, RP, signInAndGetTokens } from '../support/logout-fixtures.js';
import { BackchannelLogout } from '../../src/logout/backchannel-logout.js';
import { createOutboundFetch } from '../../src/outbound/outbound-fetch.js';

/**
 * The review's SSRF reproduction: a client's jwks_uri or backchannel_logout_uri pointing at a
 * service on the server's own loopback. Outside dev mode the server must never connect.
 */
for (const database of DATABASES) {
  describe(`SSRF: URLs the server fetches or posts to (${database})`, () => {
    let internal: CountingListener;
    let receiver: CountingListener;
    let key: ClientKey;
    let server: TestServer;
    let allowListed: TestServer;
    const BC_INTERNAL = {
      ...RP,
      client_id: 'bc-internal',
      redirect_uris: ['https://bc-internal.example/cb'],
      post_logout_redirect_uris: [] as string[],
    };

    before(async () => {
      internal = await startCountingListener('tcp');
      receiver = await startCountingListener('http', '127.0.0.1', (_request, response) => response.writeHead(200).end());
      key = await clientKey('internal-1');
      // Operators' own clients (config) may name loopback URLs; the connect-time policy still applies.
      const clients = [
        RP,
        {
          client_id: 'svc_internal_jwks',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: `https://127.0.0.1:${internal.port}/internal-admin/jwks`,
          ...cc,
        },
        {
          client_id: 'svc_localhost_jwks',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: `https://localhost:${internal.port}/jwks`,
          ...cc,
        },
        { ...BC_INTERNAL, backchannel_logout_uri: `http://127.0.0.1:${receiver.port}/logout` },
      ];
      const config = logoutTestConfig({ clients, registration: { initialAccessToken: 'optional', openRegistrationsPerHour: 0 } });
      server = await startTestServer({ database, config });
      allowListed = await startTestServer({ database, config: { ...config, outbound: { allowedHosts: ['127.0.0.1'] } } });
    });
    after(async () => {
      // Whatever failed in before(), the listeners close, or they would keep the test process alive.
      await Promise.allSettled([server?.close(), allowListed?.close()]);
      await Promise.all([internal?.close(), receiver?.close()]);
    });

    const presentAssertion = async (target: TestServer, clientId: string) =>
      postForm(`${target.url}/token`, {
        grant_type: 'client_credentials',
        ...assertionForm(await assertion(key.privateKey, clientId, target.url, { header: { kid: key.kid } })),
      });

    it('registration refuses server-fetched URLs on loopback, private or link-local addresses (invalid_client_metadata)', async () => {
      const internalUrls = [
        `https://127.0.0.1:${internal.port}/internal-admin/jwks`,
        `https://localhost:${internal.port}/jwks`,
        'https://[::1]/jwks',
        'https://[::ffff:127.0.0.1]/jwks',
        'https://0x7f.1/jwks',
        'https://10.0.0.5/jwks',
        'https://192.168.1.1/jwks',
        'https://169.254.169.254/latest/meta-data',
        'https://[fd00::1]/jwks',
        'https://100.64.0.1/jwks',
      ];
      for (const uri of internalUrls) {
        for (const metadata of [
          { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri, ...cc },
          { redirect_uris: ['https://rp.example.com/cb'], backchannel_logout_uri: uri },
        ]) {
          const response = await fetch(`${server.url}/reg`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(metadata),
          });
          const body = (await response.json()) as Record<string, string>;
          assert.equal(response.status, 400, uri);
          assert.equal(body.error, 'invalid_client_metadata', uri);
          assert.match(body.error_description, /must point at a public address/, uri);
        }
      }
      const fine = await fetch(`${server.url}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://rp.example.com/jwks', ...cc }),
      });
      assert.equal(fine.status, 201);
      assert.equal(internal.connections, 0);
    });

    it('an assertion naming a client whose jwks_uri is on loopback gets 401, and nothing connects to the listener', async () => {
      for (const clientId of ['svc_internal_jwks', 'svc_localhost_jwks']) {
        const response = await presentAssertion(server, clientId);
        assert.equal(response.status, 401, clientId);
        assert.equal(response.json.error, 'invalid_client', clientId);
      }
      assert.equal(internal.connections, 0, 'the server never connected to the internal service');
    });

    it('with the host allow-listed the same assertion makes the server connect (the listener speaks no TLS, so still 401)', async () => {
      const before = internal.connections;
      const response = await presentAssertion(allowListed, 'svc_internal_jwks');
      assert.equal(response.status, 401);
      assert.equal(internal.connections, before + 1);
    });

    it('back-channel logout to a loopback backchannel_logout_uri is not sent; allow-listed, it is', async () => {
      const signedIn = await signInAndGetTokens(server.url, BC_INTERNAL);
      const lines: string[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({ write: (chunk, _encoding, done) => void (lines.push(chunk.toString()), done()) }),
      );
      const notifier = (fetcher: typeof server.services.outbound) =>
        new BackchannelLogout({
          issuer: server.url,
          keys: server.services.keys,
          clients: server.services.clients,
          subjects: server.services.subjects,
          sessions: server.services.sessions,
          clock: server.services.clock,
          logger,
          fetch: fetcher,
          retries: 0,
        });

      const refusing = notifier(server.services.outbound);
      refusing.notify({ sid: signedIn.sid, userId: signedIn.sub });
      await refusing.idle();
      assert.equal(receiver.connections, 0, 'nothing reached the loopback receiver');
      assert.ok(
        lines.some((line) => line.includes('address refused') && line.includes('bc-internal')),
        'the refusal is logged',
      );

      const permitted = notifier(
        createOutboundFetch({ policy: { allowLoopback: false, allowedHosts: ['127.0.0.1'] }, timeoutMs: 5000, maxBytes: 65536 }),
      );
      permitted.notify({ sid: signedIn.sid, userId: signedIn.sub });
      await permitted.idle();
      assert.deepEqual(receiver.requests, ['/logout']);
    });
  });
}
