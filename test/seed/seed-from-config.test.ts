import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_SECRET } from '../support/test-provider.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices, type Services } from '../../src/app/create-services.js';
import { seedFromConfig } from '../../src/seed/seed-from-config.js';

const CLIENT = {
  client_id: 'config-app',
  client_secret: 'first-secret',
  client_name: 'Config app',
  redirect_uris: ['https://app.example.com/cb'],
};
const USER = { username: 'grace', password: 'first-password', claims: { name: 'Grace', email: 'grace@example.com' } };

for (const kind of DATABASES) {
  describe(`config clients and users load idempotently (${kind})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(() => database.drop());

    /** One start of the server with this config: open, seed, inspect, close. */
    async function start<T>(
      clients: Record<string, unknown>[],
      users: Record<string, unknown>[],
      inspect: (services: Services) => Promise<T>,
    ): Promise<T> {
      const config = loadConfig({ env: {}, overrides: { databaseUrl: database.url, secret: TEST_SECRET, clients, users } });
      const services = await createServices(config, { schema: database.schema });
      try {
        await seedFromConfig(services);
        return await inspect(services);
      } finally {
        await services.close();
      }
    }

    it('a restart does not duplicate anything', async () => {
      await start([CLIENT], [USER], async () => undefined);
      const first = await start([CLIENT], [USER], async (p) => ({ clients: await p.clients.list(), users: await p.users.list() }));
      const second = await start([CLIENT], [USER], async (p) => ({ clients: await p.clients.list(), users: await p.users.list() }));
      assert.equal(second.clients.length, 1);
      assert.equal(second.users.length, 1);
      assert.deepEqual(second, first, 'nothing changes, not even the user id (sub) or creation time');
      assert.equal(second.clients[0].origin, 'config');
    });

    it('stores the config secret as an HMAC only, and checks it', async () => {
      await start([CLIENT], [USER], async (p) => {
        const client = (await p.clients.find(CLIENT.client_id))!;
        assert.notEqual(client.secretHash, CLIENT.client_secret);
        assert.ok(!JSON.stringify(client).includes(CLIENT.client_secret));
        assert.equal(p.clients.checkSecret(client, CLIENT.client_secret), true);
        assert.equal(p.clients.checkSecret(client, 'wrong'), false);
      });
    });

    it('a changed entry is updated in place, and a changed client_secret takes effect', async () => {
      const sub = await start([CLIENT], [USER], async (p) => (await p.users.findByUsername(USER.username))!.id);
      const changedClient = { ...CLIENT, client_secret: 'second-secret', redirect_uris: ['https://app.example.com/new-cb'] };
      const changedUser = { ...USER, password: 'second-password', claims: { name: 'Grace H.' } };
      await start([changedClient], [changedUser], async (p) => {
        const client = (await p.clients.find(CLIENT.client_id))!;
        assert.deepEqual(client.metadata.redirect_uris, ['https://app.example.com/new-cb']);
        assert.equal(p.clients.checkSecret(client, 'second-secret'), true);
        assert.equal(p.clients.checkSecret(client, 'first-secret'), false, 'the old secret stops working');
        const user = await p.users.authenticate(USER.username, 'second-password');
        assert.equal(user?.id, sub, 'the same user, same sub');
        assert.deepEqual(user?.claims, { name: 'Grace H.' });
        assert.equal(await p.users.authenticate(USER.username, 'first-password'), undefined);
        assert.equal((await p.clients.list()).length, 1);
        assert.equal((await p.users.list()).length, 1);
      });
    });
  });
}
