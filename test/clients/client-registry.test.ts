import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { systemClock } from '../../src/util/clock.js';
import { clientsStore } from '../../src/storage/clients-store.js';
import { ClientRegistry } from '../../src/clients/client-registry.js';
import { createSecretBox, deriveKey } from '../../src/util/secret-box.js';

const SECRET = 'client-registry-test-secret-0123456789abcdef';
const registry = (db: Db) => new ClientRegistry({ store: clientsStore(db), secretKey: deriveKey(SECRET, 'client-secrets'), box: createSecretBox(SECRET, 'client-secrets-at-rest'), clock: systemClock });
const metadata = (name: string) => ({
  client_id: 'cached-app',
  client_name: name,
  client_secret: 'cached-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
});

for (const kind of DATABASES) {
  describe(`client registry lookups on ${kind}`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));

    it('changes made through the registry are seen at once: save, rotate, delete', async () => {
      const clients = registry(db);
      await clients.save(metadata('First'), 'cli');
      assert.equal((await clients.find('cached-app'))?.metadata.client_name, 'First');
      await clients.save(metadata('Second'), 'cli');
      assert.equal((await clients.find('cached-app'))?.metadata.client_name, 'Second');
      const rotated = await clients.rotateSecret('cached-app');
      assert.equal(clients.checkSecret((await clients.find('cached-app'))!, rotated), true);
      assert.equal(await clients.delete('cached-app'), true);
      assert.equal(await clients.find('cached-app'), undefined);
    });

    it("another process's change is seen within a second; an unknown client is never remembered", async () => {
      const server = registry(db);
      const cli = registry(db);
      assert.equal(await server.find('cached-app'), undefined);
      await cli.save(metadata('Created elsewhere'), 'cli');
      assert.equal((await server.find('cached-app'))?.metadata.client_name, 'Created elsewhere');
      await cli.delete('cached-app');
      await sleep(1100);
      assert.equal(await server.find('cached-app'), undefined);
    });
  });
}
