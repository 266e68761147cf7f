import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEVICE_TEST_CONFIG, ageDeviceCode, approveDirectly, form, poll, startDeviceFlow } from '../support/device-fixtures.js';
import { GRANT_DEVICE_CODE } from '../../src/clients/client.js';
import { normaliseUserCode } from '../../src/tokens/user-code.js';
import { systemClock } from '../../src/util/clock.js';

const PENDING = {
  error: 'authorization_pending',
  error_description: "authorization request is still pending as the end-user hasn't yet completed the user interaction steps",
};
const DENIED = { error: 'access_denied', error_description: 'End-User aborted interaction' };

for (const database of DATABASES) {
  describe(`device_code grant (${database})`, () => {
    let server: TestServer;
    before(async () => {
      // The default interval (5 s) makes "too fast" certain for back-to-back polls; the clock
      // is moved by ageDeviceCode instead of sleeping.
      server = await startTestServer({ database, config: DEVICE_TEST_CONFIG });
    });
    after(() => server.close());

    it('answers authorization_pending before approval, with the walkthrough body', async () => {
      const flow = await startDeviceFlow(server.url);
      const response = await fetch(
        `${server.url}/token`,
        form({ grant_type: GRANT_DEVICE_CODE, device_code: flow.device_code, client_id: 'tv' }),
      );
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await response.json(), PENDING);
    });

    it('answers slow_down to a poll within the interval and adds 5 s to the stored interval', async () => {
      const flow = await startDeviceFlow(server.url);
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'authorization_pending');
      const fast = await poll(server.url, flow.device_code);
      assert.equal(fast.status, 400);
      assert.equal(fast.body.error, 'slow_down');
      const code = normaliseUserCode(flow.user_code)!;
      assert.equal((await server.services.deviceCodes.findByUserCode(code))?.interval, 10);
      // §3.5: "for this and all subsequent requests": still too fast after the old 5 s
      await ageDeviceCode(server.services, flow.user_code, 6);
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'slow_down');
      assert.equal((await server.services.deviceCodes.findByUserCode(code))?.interval, 15);
      // honouring the grown interval is pending again, and the interval stays
      await ageDeviceCode(server.services, flow.user_code, 15);
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'authorization_pending');
      assert.equal((await server.services.deviceCodes.findByUserCode(code))?.interval, 15);
    });

    it('issues tokens after approval: access token, ID token, scope, like the walkthrough', async () => {
      const flow = await startDeviceFlow(server.url, 'tv', 'openid profile');
      const userId = await approveDirectly(server.services, flow.user_code);
      const { status, body } = await poll(server.url, flow.device_code);
      assert.equal(status, 200);
      assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.scope, 'openid profile');
      assert.equal(body.expires_in, 3600);
      const idToken = decodeJwt(body.id_token as string);
      assert.equal(idToken.sub, userId);
      assert.equal(idToken.aud, 'tv');
      assert.equal(idToken.iss, server.url);
      const accessToken = decodeJwt(body.access_token as string);
      assert.equal(accessToken.sub, userId);
      assert.equal(accessToken.client_id, 'tv');
    });

    it('redeems a device code once: a second redemption is invalid_grant', async () => {
      const flow = await startDeviceFlow(server.url);
      await approveDirectly(server.services, flow.user_code);
      assert.equal((await poll(server.url, flow.device_code)).status, 200);
      await ageDeviceCode(server.services, flow.user_code, 10);
      const again = await poll(server.url, flow.device_code);
      assert.equal(again.status, 400);
      assert.equal(again.body.error, 'invalid_grant');
    });

    it('answers access_denied, with the walkthrough body, after the end-user denied', async () => {
      const flow = await startDeviceFlow(server.url);
      assert.equal(await server.services.deviceCodes.deny(normaliseUserCode(flow.user_code)!, systemClock.nowSeconds()), true);
      const { status, body } = await poll(server.url, flow.device_code);
      assert.equal(status, 400);
      assert.deepEqual(body, DENIED);
    });

    it('answers expired_token once the device code has expired, approved or not', async () => {
      const pending = await startDeviceFlow(server.url);
      await ageDeviceCode(server.services, pending.user_code, 601);
      const response = await poll(server.url, pending.device_code);
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'expired_token');

      const approved = await startDeviceFlow(server.url);
      await approveDirectly(server.services, approved.user_code);
      await ageDeviceCode(server.services, approved.user_code, 601);
      assert.equal((await poll(server.url, approved.device_code)).body.error, 'expired_token');
    });

    it("answers invalid_grant for an unknown device code and for another client's", async () => {
      const unknown = await poll(server.url, 'not-a-device-code');
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error, 'invalid_grant');

      const flow = await startDeviceFlow(server.url, 'tv');
      await approveDirectly(server.services, flow.user_code);
      const stolen = await poll(server.url, flow.device_code, 'tv_no_refresh');
      assert.equal(stolen.status, 400);
      assert.equal(stolen.body.error, 'invalid_grant');
      // the rightful client still gets its tokens: the other client's poll changed nothing
      assert.equal((await poll(server.url, flow.device_code)).status, 200);
    });

    it('requires device_code (invalid_request) and the client to hold the grant (unauthorized_client)', async () => {
      const missing = await fetch(`${server.url}/token`, form({ grant_type: GRANT_DEVICE_CODE, client_id: 'tv' }));
      assert.equal(missing.status, 400);
      assert.equal(((await missing.json()) as Record<string, string>).error, 'invalid_request');

      const service = await fetch(
        `${server.url}/token`,
        form({ grant_type: GRANT_DEVICE_CODE, device_code: 'x', client_id: 'service', client_secret: 'service-secret' }),
      );
      assert.equal(service.status, 400);
      assert.equal(((await service.json()) as Record<string, string>).error, 'unauthorized_client');
    });

    it('authenticates a confidential client when it polls', async () => {
      const basic = `Basic ${Buffer.from('tv_confidential:tv-confidential-secret').toString('base64')}`;
      const start = await fetch(`${server.url}/device/auth`, {
        ...form({ scope: 'openid' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      });
      const flow = (await start.json()) as Record<string, string>;
      await approveDirectly(server.services, flow.user_code);
      const unauthenticated = await poll(server.url, flow.device_code, 'tv_confidential');
      assert.equal(unauthenticated.status, 401);
      assert.equal(unauthenticated.body.error, 'invalid_client');
      const response = await fetch(`${server.url}/token`, {
        ...form({ grant_type: GRANT_DEVICE_CODE, device_code: flow.device_code }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      });
      assert.equal(response.status, 200);
    });

    it('issues a refresh token for offline_access only to clients allowed the refresh_token grant', async () => {
      const withRefresh = await startDeviceFlow(server.url, 'tv', 'openid offline_access');
      await approveDirectly(server.services, withRefresh.user_code);
      const granted = await poll(server.url, withRefresh.device_code);
      assert.equal(granted.status, 200);
      assert.equal(typeof granted.body.refresh_token, 'string');

      const withoutOffline = await startDeviceFlow(server.url, 'tv', 'openid');
      await approveDirectly(server.services, withoutOffline.user_code);
      assert.equal((await poll(server.url, withoutOffline.device_code)).body.refresh_token, undefined);

      const noRefreshGrant = await startDeviceFlow(server.url, 'tv_no_refresh', 'openid offline_access');
      await approveDirectly(server.services, noRefreshGrant.user_code);
      const refused = await poll(server.url, noRefreshGrant.device_code, 'tv_no_refresh');
      assert.equal(refused.status, 200);
      assert.equal(refused.body.refresh_token, undefined);
    });

    it('records the grant, so revoking it refuses the device code', async () => {
      const flow = await startDeviceFlow(server.url);
      await approveDirectly(server.services, flow.user_code);
      const record = await server.services.deviceCodes.findByUserCode(normaliseUserCode(flow.user_code)!);
      await server.services.grantsStore.revoke(record!.grantId!, systemClock.nowSeconds());
      const response = await poll(server.url, flow.device_code);
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_grant');
    });
  });

  describe(`device_code grant with short configured lifetimes (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { ...DEVICE_TEST_CONFIG, ttl: { deviceCode: 3 }, device: { interval: 1 } } });
    });
    after(() => server.close());

    it('expires a device code after ttl.deviceCode', async () => {
      const flow = await startDeviceFlow(server.url);
      assert.equal(flow.expires_in, 3);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      const response = await poll(server.url, flow.device_code);
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'expired_token');
    });

    it('lets a device that waits the interval poll without slow_down', async () => {
      const flow = await startDeviceFlow(server.url);
      assert.equal(flow.interval, 1);
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'authorization_pending');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'authorization_pending');
    });
  });
}
