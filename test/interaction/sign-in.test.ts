import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { signIn } from '../../src/interaction/sign-in.js';
import { DEFAULT_USER } from '../support/browser-less.js';

for (const database of DATABASES) {
  describe(`sign-in throttling (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        listen: false,
        config: {
          users: [DEFAULT_USER, { username: 'carol', password: 'carol-password' }],
          signIn: { maxFailuresPerAccount: 2, maxFailuresPerAddress: 4, window: 900 },
        },
      });
    });
    after(() => server.close());

    it('a success clears the account counter', async () => {
      assert.deepEqual((await signIn(server.services, 'carol', 'wrong-password', '10.0.0.9')) as object, {
        failure: 'invalid',
        retryAfter: 0,
      });
      assert.ok('user' in (await signIn(server.services, 'carol', 'carol-password', '10.0.0.9')));
      assert.equal(((await signIn(server.services, 'carol', 'wrong-password', '10.0.0.9')) as { failure: string }).failure, 'invalid');
    });

    it('throttles an account after its failures, even with the right password, from any address', async () => {
      await signIn(server.services, 'alice', 'wrong-1', '10.0.0.1');
      await signIn(server.services, 'alice', 'wrong-2', '10.0.0.2');
      const result = await signIn(server.services, 'alice', DEFAULT_USER.password, '10.0.0.3');
      assert.equal((result as { failure: string }).failure, 'throttled');
      assert.ok((result as { retryAfter: number }).retryAfter > 0);
    });

    it('throttles unknown usernames exactly like known ones', async () => {
      await signIn(server.services, 'nobody', 'wrong-1', '10.0.1.1');
      await signIn(server.services, 'nobody', 'wrong-2', '10.0.1.1');
      assert.equal(((await signIn(server.services, 'nobody', 'wrong-3', '10.0.1.2')) as { failure: string }).failure, 'throttled');
    });

    it('throttles an address that tries many accounts', async () => {
      for (const name of ['u1', 'u2', 'u3', 'u4']) await signIn(server.services, name, 'wrong', '10.0.2.1');
      assert.equal(((await signIn(server.services, 'carol', 'carol-password', '10.0.2.1')) as { failure: string }).failure, 'throttled');
      assert.ok('user' in (await signIn(server.services, 'carol', 'carol-password', '10.0.2.2')));
    });
  });
}
