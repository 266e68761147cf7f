import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { ADMIN_PERSON, PLAIN_PERSON, adminTestConfig, api, personToken, programToken } from './admin-fixtures.js';

for (const database of DATABASES) {
  describe(`admin API (${database})`, () => {
    let server: TestServer;
    let token: string;
    before(async () => {
      server = await startTestServer({ database, config: adminTestConfig() });
      const root = await server.services.users.findByUsername(ADMIN_PERSON.username);
      assert.ok(root);
      await server.services.users.setRoles(root.id, ['admin']);
      token = await programToken(server);
    });
    after(() => server.close());

    describe('authentication', () => {
      it('answers 401 with a Bearer challenge and problem details without a token', async () => {
        const r = await api(server, undefined, 'GET', '/clients');
        assert.equal(r.status, 401);
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="tessera"/);
        assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(r.body.status, 401);
        assert.equal(r.body.type, 'about:blank');
      });

      it('answers 401 for a token of another audience (RFC 8707)', async () => {
        const result = await fetch(`${server.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: 'automation',
            client_secret: 'automation-secret-automation-secret',
          }),
        });
        const other = ((await result.json()) as { access_token: string }).access_token;
        const r = await api(server, other, 'GET', '/clients');
        assert.equal(r.status, 401);
        assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      });

      it('answers 401 for a garbage token', async () => {
        assert.equal((await api(server, 'not-a-token', 'GET', '/users')).status, 401);
      });

      it('answers 403 insufficient_scope when a read-only program tries a change', async () => {
        const reader = await programToken(server, 'reader', 'admin:read');
        assert.equal((await api(server, reader, 'GET', '/keys')).status, 200);
        const r = await api(server, reader, 'POST', '/keys/rotate', {});
        assert.equal(r.status, 403);
        assert.match(r.headers.get('www-authenticate') ?? '', /error="insufficient_scope", scope="admin:write"/);
      });

      it('never grants admin scopes to a client without admin_scopes', async () => {
        const result = await fetch(`${server.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: 'plain',
            client_secret: 'plain-secret-plain-secret-plain-sec',
            scope: 'admin:read',
            resource: `${server.url}/admin/v1`,
          }),
        });
        assert.equal(result.status, 400);
        assert.equal(((await result.json()) as { error: string }).error, 'invalid_scope');
      });

      it("lets an administrator's token in, and refuses a non-administrator's (403)", async () => {
        const rootToken = await personToken(server, ADMIN_PERSON.username);
        assert.equal((await api(server, rootToken, 'GET', '/users')).status, 200);
        const bobToken = await personToken(server, PLAIN_PERSON.username);
        const r = await api(server, bobToken, 'GET', '/users');
        assert.equal(r.status, 403);
        assert.match(r.body.detail, /not an administrator/);
      });

      it('serves its OpenAPI document without a token', async () => {
        const r = await api(server, undefined, 'GET', '/openapi.json');
        assert.equal(r.status, 200);
        assert.equal(r.body.openapi, '3.1.0');
      });
    });

    describe('clients', () => {
      let created: { client_id: string; client_secret: string };
      it('creates a client through the one validator, the secret shown once, and audits the caller', async () => {
        const r = await api(server, token, 'POST', '/clients', {
          client_id: 'crm',
          client_name: 'CRM',
          redirect_uris: ['https://crm.example/cb'],
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.ok(r.headers.get('etag'));
        assert.equal(r.body.client_id, 'crm');
        assert.equal(r.body.origin, 'admin-api');
        assert.equal(typeof r.body.client_secret, 'string');
        created = r.body;
        const read = await api(server, token, 'GET', '/clients/crm');
        assert.equal(read.body.client_secret, undefined, 'the secret is never shown again');
        const events = await api(server, token, 'GET', '/audit?event=client.created&client_id=crm');
        assert.equal(events.body.items[0].actor, 'client:automation');
      });

      it('refuses metadata the validator refuses (400) and a taken client_id (409)', async () => {
        const bad = await api(server, token, 'POST', '/clients', { client_id: 'bad', redirect_uris: ['http://evil.example/cb#frag'] });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error, 'invalid_redirect_uri');
        const taken = await api(server, token, 'POST', '/clients', { client_id: 'crm', redirect_uris: ['https://crm.example/cb'] });
        assert.equal(taken.status, 409);
      });

      it('refuses schema-invalid input with the failing field (400)', async () => {
        const r = await api(server, token, 'POST', '/clients', { redirect_uris: { uri: 'https://crm.example/cb' } });
        assert.equal(r.status, 400);
        assert.equal(r.body.field, 'body.redirect_uris');
        const limit = await api(server, token, 'GET', '/clients?limit=1000');
        assert.equal(limit.status, 400);
        assert.equal(limit.body.field, 'querystring.limit');
      });

      it('updates with If-Match: 428 without it, 412 when stale, 200 with the current ETag', async () => {
        const read = await api(server, token, 'GET', '/clients/crm');
        const etag = read.headers.get('etag') ?? '';
        assert.equal((await api(server, token, 'PATCH', '/clients/crm', { client_name: 'CRM 2' })).status, 428);
        const ok = await api(server, token, 'PATCH', '/clients/crm', { client_name: 'CRM 2' }, { 'if-match': etag });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        assert.equal(ok.body.client_name, 'CRM 2');
        const stale = await api(server, token, 'PATCH', '/clients/crm', { client_name: 'CRM 3' }, { 'if-match': etag });
        assert.equal(stale.status, 412);
        assert.equal((await api(server, token, 'GET', '/clients/crm')).body.client_name, 'CRM 2', 'the stale update changed nothing');
      });

      it('rotates the secret: the old one stops working', async () => {
        const r = await api(server, token, 'POST', '/clients/crm/secret');
        assert.equal(r.status, 200);
        assert.notEqual(r.body.client_secret, created.client_secret);
        const client = await server.services.clients.find('crm');
        assert.ok(client && server.services.clients.checkSecret(client, r.body.client_secret));
        assert.ok(!server.services.clients.checkSecret(client, created.client_secret));
      });

      it('pages through clients with an opaque cursor and filters with q', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
          const page = await api(server, token, 'GET', `/clients${query}`);
          assert.equal(page.status, 200);
          assert.ok(page.body.items.length <= 2);
          seen.push(...page.body.items.map((c: { client_id: string }) => c.client_id));
          cursor = page.body.next_cursor;
        } while (cursor);
        assert.deepEqual(seen, [...seen].sort(), 'stable order');
        assert.ok(seen.includes('crm') && seen.includes('tessera-admin-console') && seen.length >= 6);
        assert.equal(new Set(seen).size, seen.length, 'no client twice');
        const found = await api(server, token, 'GET', '/clients?q=CRM');
        assert.deepEqual(
          found.body.items.map((c: { client_id: string }) => c.client_id),
          ['crm'],
        );
        assert.equal((await api(server, token, 'GET', '/clients?cursor=%%%')).status, 400);
      });

      it('keeps the console client out of reach, and deletes others (404 after)', async () => {
        assert.equal((await api(server, token, 'DELETE', '/clients/tessera-admin-console')).status, 409);
        assert.equal((await api(server, token, 'DELETE', '/clients/crm')).status, 204);
        assert.equal((await api(server, token, 'GET', '/clients/crm')).status, 404);
      });
    });

    describe('users', () => {
      let id: string;
      it('creates a user and reads it with its ETag', async () => {
        const r = await api(server, token, 'POST', '/users', { username: 'carol', password: 'carol-password', claims: { name: 'Carol' } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.deepEqual(r.body.mfa, { totp: false, passkeys: 0, recovery_codes: 0 });
        assert.equal(r.body.disabled, false);
        id = r.body.id;
        assert.equal((await api(server, token, 'POST', '/users', { username: 'carol', password: 'carol-password' })).status, 409);
        const short = await api(server, token, 'POST', '/users', { username: 'dave', password: 'short' });
        assert.equal(short.status, 400);
        assert.equal(short.body.field, 'body.password');
      });

      it('updates claims and roles with If-Match, refusing invalid claims', async () => {
        const etag = (await api(server, token, 'GET', `/users/${id}`)).headers.get('etag') ?? '';
        assert.equal((await api(server, token, 'PATCH', `/users/${id}`, { claims: { name: 'C' } })).status, 428);
        const bad = await api(server, token, 'PATCH', `/users/${id}`, { claims: { email_verified: 'yes' } }, { 'if-match': etag });
        assert.equal(bad.status, 400);
        const ok = await api(
          server,
          token,
          'PATCH',
          `/users/${id}`,
          { claims: { name: 'Carol C' }, roles: ['admin'] },
          { 'if-match': etag },
        );
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        assert.deepEqual(ok.body.roles, ['admin']);
        assert.equal((await api(server, token, 'PATCH', `/users/${id}`, { roles: [] }, { 'if-match': etag })).status, 412);
      });

      it('sets a password, disables and enables, resets MFA', async () => {
        assert.equal((await api(server, token, 'POST', `/users/${id}/password`, { password: 'another-password' })).status, 204);
        assert.ok(await server.services.users.authenticate('carol', 'another-password'));
        const disabled = await api(server, token, 'POST', `/users/${id}/disable`);
        assert.equal(disabled.body.disabled, true);
        assert.equal((await api(server, token, 'POST', `/users/${id}/enable`)).body.disabled, false);
        assert.equal((await api(server, token, 'DELETE', `/users/${id}/mfa`)).status, 204);
        const events = await api(server, token, 'GET', `/audit?user_id=${id}&actor=client:automation`);
        const types = events.body.items.map((e: { type: string }) => e.type);
        for (const type of ['user.created', 'user.roles_changed', 'user.password_changed', 'user.disabled', 'user.enabled', 'mfa.reset'])
          assert.ok(types.includes(type), `${type} audited with the actor`);
      });

      it('lists identities and sessions, and 404s an unknown user', async () => {
        assert.deepEqual((await api(server, token, 'GET', `/users/${id}/identities`)).body, { items: [] });
        assert.deepEqual((await api(server, token, 'GET', `/users/${id}/sessions`)).body, { items: [] });
        assert.equal((await api(server, token, 'GET', '/users/nobody')).status, 404);
        assert.equal((await api(server, token, 'DELETE', '/sessions/nope')).status, 404);
      });

      it('pages through users and searches claims', async () => {
        for (let i = 0; i < 4; i += 1)
          await api(server, token, 'POST', '/users', { username: `page-${i}`, password: 'page-password', claims: { name: `Pager ${i}` } });
        const first = await api(server, token, 'GET', '/users?limit=3&q=pager');
        assert.equal(first.body.items.length, 3);
        assert.ok(first.body.next_cursor);
        const second = await api(server, token, 'GET', `/users?limit=3&q=pager&cursor=${first.body.next_cursor}`);
        assert.deepEqual(
          [...first.body.items, ...second.body.items].map((u: { username: string }) => u.username),
          ['page-0', 'page-1', 'page-2', 'page-3'],
        );
        assert.equal(second.body.next_cursor, null);
      });
    });

    describe('grants, keys, initial access tokens, audit', () => {
      it('lists and revokes grants (their tokens stop working)', async () => {
        const rootToken = await personToken(server, ADMIN_PERSON.username);
        const root = await server.services.users.findByUsername(ADMIN_PERSON.username);
        const list = await api(server, token, 'GET', `/grants?user_id=${root?.id}&client_id=web`);
        assert.equal(list.status, 200);
        assert.ok(list.body.items.length >= 1);
        assert.equal((await api(server, token, 'GET', '/grants')).status, 400);
        for (const grant of list.body.items) assert.equal((await api(server, token, 'DELETE', `/grants/${grant.id}`)).status, 204);
        assert.equal((await api(server, rootToken, 'GET', '/users')).status, 401, 'the revoked grant took its token along');
        assert.equal((await api(server, token, 'DELETE', `/grants/${list.body.items[0].id}`)).status, 404);
      });

      it('rotates and retires keys; the last key of an algorithm stays', async () => {
        const rotated = await api(server, token, 'POST', '/keys/rotate', {});
        assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
        const keys = await api(server, token, 'GET', '/keys');
        const old = keys.body.items.find((k: { kid: string; alg: string }) => k.kid !== rotated.body.kid && k.alg === rotated.body.alg);
        assert.ok(old);
        const fresh = await api(server, token, 'POST', '/keys/rotate', { alg: 'ES256' });
        assert.equal(fresh.body.alg, 'ES256');
        assert.equal((await api(server, token, 'POST', `/keys/${fresh.body.kid}/retire`)).status, 409);
        assert.equal((await api(server, token, 'POST', '/keys/rotate', { alg: 'none' })).status, 400);
        assert.equal((await api(server, token, 'POST', '/keys/nope/retire')).status, 404);
      });

      it('creates, lists and revokes initial access tokens', async () => {
        const created = await api(server, token, 'POST', '/initial-access-tokens', { description: 'partner', expires_in: 3600 });
        assert.equal(created.status, 201);
        assert.ok(created.body.token);
        const list = await api(server, token, 'GET', '/initial-access-tokens');
        assert.deepEqual(
          list.body.items.map((t: { id: string }) => t.id),
          [created.body.id],
        );
        assert.equal(list.body.items[0].token, undefined);
        assert.equal((await api(server, token, 'DELETE', `/initial-access-tokens/${created.body.id}`)).status, 204);
        assert.equal((await api(server, token, 'DELETE', `/initial-access-tokens/${created.body.id}`)).status, 404);
      });

      it('pages through the audit trail newest first, by time and event family', async () => {
        const first = await api(server, token, 'GET', '/audit?limit=2&event=user.*');
        assert.equal(first.body.items.length, 2);
        const second = await api(server, token, 'GET', `/audit?limit=2&event=user.*&cursor=${first.body.next_cursor}`);
        const all = [...first.body.items, ...second.body.items];
        assert.equal(new Set(all.map((e: { id: string }) => e.id)).size, 4);
        for (let i = 1; i < all.length; i += 1) assert.ok(all[i - 1].at >= all[i].at);
        assert.ok(all.every((e: { type: string }) => e.type.startsWith('user.')));
        assert.deepEqual((await api(server, token, 'GET', '/audit?until=1')).body.items, []);
      });
    });
  });
}
