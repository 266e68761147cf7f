import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { clientsStore } from '../../src/storage/clients-store.js';
import { ClientRegistry } from '../../src/clients/client-registry.js';
import { createSecretBox, deriveKey } from '../../src/util/secret-box.js';

const SECRET = 'client-registry-test-secret-0123456789abcdef';
const registry = (db: Db, clock: Clock = systemClock) =>
  new ClientRegistry({
    store: clientsStore(db),
    secretKey: deriveKey(SECRET, 'client-secrets'),
    box: createSecretBox(SECRET, 'client-secrets-at-rest'),
    clock,
  });

/** A clock that moves only when told. */
function manualClock(start: number): Clock & { advance(seconds: number): void } {
  let now = start;
  return { nowSeconds: () => now, advance: (seconds) => (now += seconds) };
}
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
      const clock = manualClock(1_700_000_000);
      const server = registry(db, clock);
      const cli = registry(db, clock);
      assert.equal(await server.find('cached-app'), undefined);
      await cli.save(metadata('Created elsewhere'), 'cli');
      assert.equal((await server.find('cached-app'))?.metadata.client_name, 'Created elsewhere');
      await cli.delete('cached-app');
      assert.equal((await server.find('cached-app'))?.metadata.client_name, 'Created elsewhere', 'kept until the clock moves on');
      clock.advance(1);
      assert.equal(await server.find('cached-app'), undefined);
    });

    it('a secret is expired from client_secret_expires_at on, by the injected clock; 0 never expires', async () => {
      const clock = manualClock(1_700_000_000);
      const clients = registry(db, clock);
      const { client } = await clients.save(metadata('Expiring'), 'cli');
      assert.equal(client.secretExpiresAt, 0);
      assert.equal(clients.secretExpired(client), false);
      assert.equal(clients.secretExpired({ ...client, secretExpiresAt: 1_700_000_001 }), false);
      assert.equal(clients.secretExpired({ ...client, secretExpiresAt: 1_700_000_000 }), true);
      clock.advance(1);
      assert.equal(clients.secretExpired({ ...client, secretExpiresAt: 1_700_000_001 }), true);
    });
  });
}
