import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASES } from '../support/databases.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import type { Db } from '../../src/storage/database.js';
import { systemClock } from '../../src/util/clock.js';
import { run } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices } from '../../src/app/create-services.js';

const PAST = () => systemClock.nowSeconds() - 100;
const FUTURE = () => systemClock.nowSeconds() + 3600;

async function seedRows(db: Db): Promise<void> {
  const now = systemClock.nowSeconds();
  const grant = (id: string, expires: number) => ({
    id,
    user_id: 'u',
    client_id: 'c',
    scope: 'openid',
    sid: null,
    created_at: now - 1000,
    expires_at: expires,
    revoked_at: null,
  });
  await db
    .insertInto('grants')
    .values([grant('g-orphan', PAST()), grant('g-has-refresh', PAST()), grant('g-live', FUTURE())])
    .execute();
  const code = (hash: string, expires: number, consumed: number | null) => ({
    code_hash: hash,
    grant_id: 'g-live',
    client_id: 'c',
    user_id: 'u',
    redirect_uri: 'https://a/cb',
    scope: 'openid',
    nonce: null,
    code_challenge: null,
    code_challenge_method: null,
    claims: null,
    resource: null,
    auth_time: now,
    acr: null,
    amr: null,
    sid: null,
    created_at: now - 60,
    expires_at: expires,
    consumed_at: consumed,
  });
  await db
    .insertInto('authorization_codes')
    .values([code('code-expired', PAST(), null), code('code-consumed-live', FUTURE(), now)])
    .execute();
  const refresh = (hash: string, grantId: string, expires: number, consumed: number | null) => ({
    token_hash: hash,
    grant_id: grantId,
    client_id: 'c',
    user_id: 'u',
    scope: 'openid',
    claims: null,
    resource: null,
    auth_time: now,
    acr: null,
    amr: null,
    sid: null,
    created_at: now - 60,
    expires_at: expires,
    consumed_at: consumed,
    revoked_at: null,
  });
  await db
    .insertInto('refresh_tokens')
    .values([
      refresh('rt-expired', 'g-live', PAST(), null),
      refresh('rt-rotated-live', 'g-live', FUTURE(), now),
      refresh('rt-outlives-grant', 'g-has-refresh', FUTURE(), null),
    ])
    .execute();
  const access = (jti: string, expires: number) => ({
    jti,
    token_hash: null,
    grant_id: 'g-live',
    client_id: 'c',
    user_id: 'u',
    scope: 'openid',
    audience: 'x',
    data: null,
    created_at: now - 60,
    expires_at: expires,
    revoked_at: null,
  });
  await db
    .insertInto('access_tokens')
    .values([access('at-expired', PAST()), access('at-live', FUTURE())])
    .execute();
  const device = (hash: string, userCode: string, expires: number) => ({
    device_code_hash: hash,
    user_code: userCode,
    client_id: 'c',
    scope: 'openid',
    status: 'pending' as const,
    user_id: null,
    grant_id: null,
    auth_time: null,
    acr: null,
    amr: null,
    sid: null,
    interval: 5,
    last_polled_at: null,
    created_at: now - 60,
    expires_at: expires,
    consumed_at: null,
  });
  await db
    .insertInto('device_codes')
    .values([device('dc-expired', 'BCDFGHJK', PAST()), device('dc-live', 'LMNPQRST', FUTURE())])
    .execute();
  const session = (idHash: string, sid: string, expires: number) => ({
    id_hash: idHash,
    sid,
    user_id: 'u',
    auth_time: now,
    amr: null,
    acr: null,
    created_at: now - 60,
    expires_at: expires,
    ended_at: null,
  });
  await db
    .insertInto('sessions')
    .values([session('s-expired', 'sid-expired', PAST()), session('s-live', 'sid-live', FUTURE())])
    .execute();
  await db
    .insertInto('session_clients')
    .values([
      { sid: 'sid-expired', client_id: 'c', created_at: now },
      { sid: 'sid-live', client_id: 'c', created_at: now },
    ])
    .execute();
  await db
    .insertInto('rate_limits')
    .values([
      { key: 'rl-expired', count: 3, reset_at: PAST() },
      { key: 'rl-live', count: 3, reset_at: FUTURE() },
    ])
    .execute();
  await db
    .insertInto('audit_events')
    .values([
      { id: 'old', at: now - 200 * 86400, type: 'signin.success', user_id: 'u', client_id: null, address: null, detail: null },
      { id: 'new', at: now, type: 'signin.success', user_id: 'u', client_id: null, address: null, detail: null },
    ])
    .execute();
  await db
    .insertInto('signing_keys')
    .values({
      kid: 'retired-past',
      alg: 'RS256',
      public_jwk: '{}',
      private_jwk_encrypted: 'x',
      created_at: now - 90000,
      retired_at: now - 86400,
      expires_at: PAST(),
    })
    .execute();
  // More than two batches of one kind.
  const jtis = Array.from({ length: 1203 }, (_, i) => ({ key: `c:jti-${i}`, expires_at: PAST() }));
  for (let i = 0; i < jtis.length; i += 300)
    await db
      .insertInto('used_jtis')
      .values(jtis.slice(i, i + 300))
      .execute();
  await db.insertInto('used_jtis').values({ key: 'c:jti-live', expires_at: FUTURE() }).execute();
}

async function keys(
  db: Db,
  table:
    | 'grants'
    | 'authorization_codes'
    | 'refresh_tokens'
    | 'access_tokens'
    | 'device_codes'
    | 'sessions'
    | 'session_clients'
    | 'rate_limits'
    | 'audit_events'
    | 'used_jtis',
  column: string,
): Promise<string[]> {
  const rows = (await db
    .selectFrom(table)
    .select(column as never)
    .execute()) as Record<string, string>[];
  return rows.map((r) => r[column]).sort();
}

for (const database of DATABASES) {
  describe(`janitor (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        listen: false,
        config: { janitor: { interval: 0, batchSize: 500, pause: 1, auditRetentionDays: 90 } },
      });
      await seedRows(server.services.db);
    });
    after(() => server.close());

    it('purges expired rows in batches and keeps what is still needed', async () => {
      const report = await server.services.janitor.runOnce();
      const db = server.services.db;
      assert.equal(report.used_jtis, 1203);
      assert.deepEqual(await keys(db, 'used_jtis', 'key'), ['c:jti-live']);
      // Consumed codes and rotated refresh tokens stay until they expire: a replay is still detected.
      assert.deepEqual(await keys(db, 'authorization_codes', 'code_hash'), ['code-consumed-live']);
      assert.deepEqual(await keys(db, 'refresh_tokens', 'token_hash'), ['rt-outlives-grant', 'rt-rotated-live']);
      assert.deepEqual(await keys(db, 'access_tokens', 'jti'), ['at-live']);
      // An expired grant stays while a token issued under it is still valid.
      assert.deepEqual(await keys(db, 'grants', 'id'), ['g-has-refresh', 'g-live']);
      assert.deepEqual(await keys(db, 'device_codes', 'device_code_hash'), ['dc-live']);
      assert.deepEqual(await keys(db, 'sessions', 'sid'), ['sid-live']);
      assert.deepEqual(await keys(db, 'session_clients', 'sid'), ['sid-live']);
      assert.deepEqual(await keys(db, 'rate_limits', 'key'), ['rl-live']);
      // Start-up writes events of its own (the admin console's client); of the two inserted here, the old one goes.
      const events = await keys(db, 'audit_events', 'id');
      assert.ok(events.includes('new') && !events.includes('old'), events.join(', '));
      const kids = (await db.selectFrom('signing_keys').select('kid').execute()).map((r) => r.kid);
      assert.ok(!kids.includes('retired-past'));
      assert.ok(kids.includes(server.services.keys.signingKey().kid), 'the active key stays');
      assert.equal(report.grants, 1);
    });

    it('finds nothing left on a second run', async () => {
      const report = await server.services.janitor.runOnce();
      assert.equal(
        Object.values(report).reduce((a, b) => a + b, 0),
        0,
      );
    });
  });
}

describe('tessera janitor', () => {
  let dir: string;
  let configFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-janitor-'));
    configFile = join(dir, 'tessera.json');
    writeFileSync(configFile, JSON.stringify({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, secret: TEST_SECRET }));
    const services = await createServices(loadConfig({ file: configFile, env: {} }));
    await services.db
      .insertInto('rate_limits')
      .values([{ key: 'old', count: 1, reset_at: PAST() }])
      .execute();
    await services.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('purges once and reports what it deleted per table', async () => {
    const out: string[] = [];
    const code = await run(['janitor', '--config', configFile, '--json'], { out: (t) => out.push(t), err: () => {} });
    assert.equal(code, 0);
    assert.equal((JSON.parse(out.join('')) as Record<string, number>).rate_limits, 1);
  });
});
