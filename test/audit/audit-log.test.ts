import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { systemClock } from '../../src/util/clock.js';

const SERVICE = {
  client_id: 'service',
  client_secret: 'service-secret-service-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
};

for (const database of DATABASES) {
  describe(`audit trail (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: [SERVICE] } });
    });
    after(() => server.close());

    it('records a token issued, with client, address and grant type but no token', async () => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SERVICE.client_id, client_secret: SERVICE.client_secret }),
      });
      const { access_token } = (await response.json()) as { access_token: string };
      const [event] = await server.services.audit.list({ type: 'token.issued' });
      assert.equal(event.clientId, 'service');
      assert.equal(event.address, '127.0.0.1');
      assert.equal(event.detail?.grant_type, 'client_credentials');
      const rows = JSON.stringify(await server.services.db.selectFrom('audit_events').selectAll().execute());
      assert.ok(!rows.includes(access_token) && !rows.includes(SERVICE.client_secret));
    });

    it('events recorded at once are written together, each before its record() resolves, in order', async () => {
      const clientIds = Array.from({ length: 30 }, (_, i) => `batch-${String(i).padStart(2, '0')}`);
      await Promise.all(
        clientIds.map((clientId) => server.services.audit.record({ type: 'consent.granted', clientId, detail: { scope: 'openid' } })),
      );
      const events = await server.services.audit.list({ type: 'consent.granted', limit: 30 });
      assert.deepEqual(events.map((e) => e.clientId).reverse(), clientIds);
    });

    it('records client creation, change and deletion, and nothing for a save that changes nothing', async () => {
      const input = {
        client_id: 'audited',
        client_secret: 'audited-secret-audited-secret',
        redirect_uris: ['https://a.example/cb'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      };
      await server.services.clients.save(input, 'cli');
      await server.services.clients.save(input, 'cli');
      await server.services.clients.save({ ...input, client_name: 'Audited' }, 'cli');
      await server.services.clients.delete('audited');
      const events = await server.services.audit.list({ type: 'client.*', clientId: 'audited' });
      assert.deepEqual(events.map((e) => e.type).reverse(), ['client.created', 'client.updated', 'client.deleted']);
      assert.ok(!JSON.stringify(events).includes(input.client_secret));
    });

    it('records a signing key rotation with both key ids', async () => {
      const before = server.services.keys.signingKey().kid;
      const { kid } = await server.services.keys.rotate();
      const [event] = await server.services.audit.list({ type: 'key.rotated' });
      assert.equal(event.detail?.retired_kid, before);
      assert.equal(event.detail?.new_kid, kid);
    });

    it('drops secret-looking detail fields and filters by user, time and type', async () => {
      await server.services.audit.record({
        type: 'signin.failure',
        userId: 'user-1',
        address: '192.0.2.1',
        detail: {
          reason: 'bad_credentials',
          password: 'hunter2',
          client_secret: 's',
          code: 'c',
          refresh_token: 'r',
          id_token_hint: 'h',
          nested: { password: 'x' },
        },
      });
      const [event] = await server.services.audit.list({ userId: 'user-1' });
      assert.deepEqual(event.detail, { reason: 'bad_credentials' });
      assert.equal((await server.services.audit.list({ userId: 'user-1', since: event.at + 3600 })).length, 0);
      assert.equal((await server.services.audit.list({ type: 'signin.success', userId: 'user-1' })).length, 0);
    });

    it('never fails the caller when the trail cannot be written', async () => {
      const { AuditLog } = await import('../../src/audit/audit-log.js');
      const broken = new AuditLog({ append: async () => Promise.reject(new Error('disk full')), list: async () => [] }, systemClock);
      await broken.record({ type: 'signin.success', userId: 'u' });
    });
  });
}
