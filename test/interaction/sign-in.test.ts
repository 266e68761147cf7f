import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { signIn, type SignInAttempt } from '../../src/interaction/sign-in.js';
import { DEFAULT_USER } from '../support/browser-less.js';

/** The throttling policy, attempt by attempt (the pages and the device cookie: lockout.test.ts). */
for (const database of DATABASES) {
  describe(`sign-in throttling (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        listen: false,
        config: {
          users: [DEFAULT_USER, { username: 'carol', password: 'carol-password' }, { username: 'erin', password: 'erin-password' }],
          signIn: {
            maxFailuresPerAccountAndAddress: 2,
            maxFailuresPerAddress: 4,
            maxFailuresPerAccount: 3,
            slowDownInterval: 600,
            maxFailuresPerKnownBrowser: 2,
            window: 900,
          },
        },
      });
    });
    after(() => server.close());

    const attempt = async (username: string, password: string, address: string, knownBrowser?: string): Promise<string> => {
      const result = await signIn(server.services, { username, password, address, knownBrowser } satisfies SignInAttempt);
      return 'user' in result ? 'signed-in' : result.failure;
    };

    it('a success does not count against the limits', async () => {
      assert.deepEqual((await signIn(server.services, { username: 'carol', password: 'wrong-password', address: '10.0.0.9' })) as object, {
        failure: 'invalid',
        retryAfter: 0,
      });
      for (let i = 0; i < 3; i++) assert.equal(await attempt('carol', 'carol-password', '10.0.0.9'), 'signed-in');
      assert.equal(await attempt('carol', 'wrong-password', '10.0.0.9'), 'invalid');
      assert.equal(await attempt('carol', 'carol-password', '10.0.0.9'), 'throttled');
    });

    it('refuses an address at an account after its failures there, even with the right password; other addresses go on', async () => {
      assert.equal(await attempt('alice', 'wrong-1', '10.0.0.1'), 'invalid');
      assert.equal(await attempt('alice', 'wrong-2', '10.0.0.1'), 'invalid');
      const refused = await signIn(server.services, { username: 'alice', password: DEFAULT_USER.password, address: '10.0.0.1' });
      assert.equal((refused as { failure: string }).failure, 'throttled');
      assert.ok((refused as { retryAfter: number }).retryAfter > 0);
      assert.equal(await attempt('alice', DEFAULT_USER.password, '10.0.0.2'), 'signed-in');
    });

    it('slows an account down after its failures from everywhere: one attempt per interval from unknown browsers, no lock', async () => {
      assert.equal(await attempt('erin', 'wrong-1', '10.0.3.1'), 'invalid');
      assert.equal(await attempt('erin', 'wrong-2', '10.0.3.2'), 'invalid');
      assert.equal(await attempt('erin', 'wrong-3', '10.0.3.3'), 'invalid');
      // Past maxFailuresPerAccount: the next attempt from anywhere is checked, the one after waits.
      assert.equal(await attempt('erin', 'wrong-4', '10.0.3.4'), 'invalid');
      const waiting = await signIn(server.services, { username: 'erin', password: 'erin-password', address: '10.0.3.5' });
      assert.equal((waiting as { failure: string }).failure, 'throttled');
      assert.ok((waiting as { retryAfter: number }).retryAfter > 0 && (waiting as { retryAfter: number }).retryAfter <= 600);
      // A browser erin signed in with before is not slowed down, and has its own allowance.
      assert.equal(await attempt('erin', 'wrong-5', '10.0.3.5', 'erins-laptop'), 'invalid');
      assert.equal(await attempt('erin', 'erin-password', '10.0.3.5', 'erins-laptop'), 'signed-in');
      assert.equal(await attempt('erin', 'wrong-6', '10.0.3.5', 'erins-laptop'), 'invalid');
      assert.equal(await attempt('erin', 'wrong-7', '10.0.3.5', 'erins-laptop'), 'throttled');
    });

    it('throttles unknown usernames exactly like known ones', async () => {
      assert.equal(await attempt('nobody', 'wrong-1', '10.0.1.1'), 'invalid');
      assert.equal(await attempt('nobody', 'wrong-2', '10.0.1.1'), 'invalid');
      assert.equal(await attempt('nobody', 'wrong-3', '10.0.1.1'), 'throttled');
    });

    it('throttles an address that tries many accounts', async () => {
      for (const name of ['u1', 'u2', 'u3', 'u4']) assert.equal(await attempt(name, 'wrong', '10.0.2.1'), 'invalid');
      assert.equal(await attempt('carol', 'carol-password', '10.0.2.1'), 'throttled');
      assert.equal(await attempt('carol', 'carol-password', '10.0.2.2'), 'signed-in');
    });
  });
}
