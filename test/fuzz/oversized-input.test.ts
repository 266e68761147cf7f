import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { assertSafeAnswer, send, startFuzzServer, type FuzzServer, type RawRequest } from './hostile-server.js';

for (const database of DATABASES) {
  describe(`oversized and undecodable input (${database})`, () => {
    let fuzz: FuzzServer;
    before(async () => {
      fuzz = await startFuzzServer(database);
    });
    after(() => fuzz.server.close());

    it('answers a body over the limit with 413 on every POST endpoint', async () => {
      const huge = 'a='.padEnd(fuzz.server.services.config.bodyLimit + 10, 'x');
      for (const path of fuzz.paths) {
        for (const type of ['application/x-www-form-urlencoded', 'application/json']) {
          const req = { method: 'POST', path, headers: { 'content-type': type }, body: huge };
          const res = await send(fuzz.server.url, req);
          assertSafeAnswer(fuzz, req, res);
          // A route that does not exist may refuse before reading the body; one that does must say 413.
          if (res.status !== 404 && res.status !== 405)
            assert.equal(res.status, 413, `${path} ${type}: ${res.status} ${res.body.slice(0, 200)}`);
        }
      }
    });

    it('answers a request line or headers over the limit with a spec-shaped 431', async () => {
      for (const req of [
        { method: 'GET', path: `/auth?state=${'x'.repeat(20_000)}` },
        { method: 'POST', path: '/token', headers: { 'x-filler': 'y'.repeat(20_000) }, body: '' },
      ]) {
        const res = await send(fuzz.server.url, req);
        assert.equal(res.status, 431);
        assert.deepEqual(JSON.parse(res.body), {
          error: 'invalid_request',
          error_description: 'the request line or headers are too large',
        });
      }
    });

    it('answers long values, long URLs and many parameters with a safe 4xx', async () => {
      const long = 'x'.repeat(60_000);
      const many = Array.from({ length: 2000 }, (_, i) => `p${i}=v`).join('&');
      for (const path of fuzz.paths) {
        const requests: RawRequest[] = [
          { method: 'GET', path: `${path}?client_id=${'a'.repeat(7000)}&scope=openid&response_type=code` },
          {
            method: 'POST',
            path,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `client_id=conf&grant_type=client_credentials&scope=${long}`,
          },
          { method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: many },
          {
            method: 'POST',
            path,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: `Basic ${Buffer.from(`conf:${'s'.repeat(6000)}`).toString('base64')}`,
            },
            body: 'grant_type=client_credentials',
          },
        ];
        for (const req of requests) {
          const res = await send(fuzz.server.url, req);
          assertSafeAnswer(fuzz, req, res);
        }
      }
    });

    it('answers invalid UTF-8 and broken percent-encoding with invalid_request, not 500', async () => {
      for (const body of [
        Buffer.from([0x67, 0x72, 0x61, 0x6e, 0x74, 0x5f, 0x74, 0x79, 0x70, 0x65, 0x3d, 0xff, 0xfe]),
        Buffer.from('grant_type=%zz%&client_id=%E0%A4%A'),
        Buffer.from('grant_type=client_credentials&client_id=%ED%A0%80'),
      ]) {
        const req = { method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
        const res = await send(fuzz.server.url, req);
        assertSafeAnswer(fuzz, req, res);
        assert.ok(res.status === 400 || res.status === 401, `${res.status} ${res.body}`);
      }
    });

    it('answers a NUL byte in a parameter, a client id or a cookie with a 4xx (PostgreSQL cannot store it)', async () => {
      const requests: RawRequest[] = [
        { method: 'GET', path: '/auth?client_id=%00&response_type=code&scope=openid' },
        {
          method: 'POST',
          path: '/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=a%00b&client_secret=x',
        },
        {
          method: 'POST',
          path: '/token',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from('a\u0000b:secret').toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
        },
        {
          method: 'POST',
          path: '/device/auth',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'client_id=pub%00&scope=openid',
        },
        { method: 'GET', path: '/device?user_code=BCDF%00GHJK' },
      ];
      for (const req of requests) {
        const res = await send(fuzz.server.url, req);
        assertSafeAnswer(fuzz, req, res);
        assert.ok((res.status >= 400 && res.status < 500) || res.status === 200, `${req.path}: ${res.status}`);
      }
    });
  });
}
