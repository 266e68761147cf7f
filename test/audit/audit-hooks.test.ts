import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar, DEFAULT_USER, parseForms } from '../support/browser-less.js';
import {
  FLOW_CLIENTS,
  approveDevice,
  flowConfig,
  getCode,
  onInstance,
  redeemCode,
  refresh,
  startDevice,
} from '../support/cluster-flows.js';

for (const database of DATABASES) {
  describe(`audit events from the flows (${database})`, () => {
    let server: TestServer;
    let userId: string;
    before(async () => {
      server = await startTestServer({ database, config: flowConfig() });
      userId = (await server.services.users.findByUsername(DEFAULT_USER.username))!.id;
    });
    after(() => server.close());

    const types = async () => (await server.services.audit.list({ limit: 500 })).map((e) => e.type);

    it('records sign-in failure and success, consent, code replay, refresh reuse and revocation', async () => {
      const url = server.url;
      const jar = new CookieJar();
      const page = parseForms(await (await browse(jar, `${url}/login`)).text())[0];
      await browse(jar, onInstance(page.action, url), {
        form: { ...page.fields, login: DEFAULT_USER.username, password: 'not-the-password' },
      });
      const [failure] = await server.services.audit.list({ type: 'signin.failure' });
      assert.equal(failure.userId, userId);
      assert.deepEqual(failure.detail, { reason: 'bad_credentials' });

      const { code, verifier } = await getCode(url);
      assert.ok((await types()).includes('signin.success'));
      const [consent] = await server.services.audit.list({ type: 'consent.granted' });
      assert.equal(consent.clientId, 'web');
      assert.equal(consent.userId, userId);

      const tokens = (await redeemCode(url, code, verifier)).body;
      await redeemCode(url, code, verifier);
      const [replay] = await server.services.audit.list({ type: 'code.reuse_detected' });
      assert.equal(replay.clientId, 'web');

      const { code: code2, verifier: verifier2 } = await getCode(url);
      const second = (await redeemCode(url, code2, verifier2)).body;
      await refresh(url, second.refresh_token);
      await refresh(url, second.refresh_token);
      const [reuse] = await server.services.audit.list({ type: 'refresh.reuse_detected' });
      assert.equal(reuse.userId, userId);

      const { code: code3, verifier: verifier3 } = await getCode(url);
      const third = (await redeemCode(url, code3, verifier3)).body;
      await fetch(`${url}/revoke`, {
        method: 'POST',
        body: new URLSearchParams({ token: third.refresh_token, client_id: 'web', client_secret: FLOW_CLIENTS.web.client_secret }),
      });
      const [revoked] = await server.services.audit.list({ type: 'token.revoked' });
      assert.deepEqual(revoked.detail, { token_type: 'refresh_token' });

      const device = await startDevice(url);
      await approveDevice(url, device.user_code);
      const deviceConsent = (await server.services.audit.list({ type: 'consent.granted', clientId: 'tv' }))[0];
      assert.equal(deviceConsent.detail?.flow, 'device');

      const trail = JSON.stringify(await server.services.db.selectFrom('audit_events').selectAll().execute());
      for (const secret of [
        code,
        verifier,
        tokens.access_token,
        tokens.refresh_token,
        second.refresh_token,
        third.refresh_token,
        DEFAULT_USER.password,
        'not-the-password',
        device.device_code,
        FLOW_CLIENTS.web.client_secret,
      ]) {
        assert.ok(!trail.includes(secret), 'the audit trail holds no secret');
      }
    });
  });
}
