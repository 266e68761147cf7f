import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { freePort } from '../support/test-provider.js';
import { DATABASES } from '../support/databases.js';
import { createSharedSchema, spawnTessera } from '../support/spawn-tessera.js';
import { CookieJar, browse, parseForms } from '../support/browser-less.js';
import {
  FLOW_CLIENTS,
  approveDevice,
  flowConfig,
  getCode,
  introspect,
  onInstance,
  pollDevice,
  redeemCode,
  refresh,
  startDevice,
} from '../support/cluster-flows.js';

const RACERS = 50;

/**
 * Starts `count` tessera processes on one PostgreSQL schema, all with one issuer (as behind a
 * load balancer): the first migrates and seeds, the others join it.
 */
async function startCluster(count: number, extra: Record<string, unknown> = {}) {
  const shared = await createSharedSchema();
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const issuer = `http://127.0.0.1:${ports[0]}`;
  const config = flowConfig({
    databaseUrl: shared.url,
    issuer,
    signIn: { maxFailuresPerAccountAndAddress: 5, maxFailuresPerAddress: 1000, window: 600 },
    device: { interval: 1 },
    ...extra,
  });
  const first = await spawnTessera({ config, port: ports[0] });
  const rest = await Promise.all(ports.slice(1).map((port) => spawnTessera({ config, port })));
  const instances = [first, ...rest];
  return {
    instances,
    urls: instances.map((i) => i.url),
    async stop() {
      await Promise.all(instances.map((i) => i.stop('SIGKILL')));
      await shared.drop();
    },
  };
}

/** Fails to sign in on each instance in turn; returns the HTTP status of every attempt. */
async function failedSignIns(urls: string[], attempts: number): Promise<number[]> {
  const username = `nobody-${randomBytes(4).toString('hex')}`;
  const statuses: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const on = urls[i % urls.length];
    const jar = new CookieJar();
    const page = await browse(jar, `${on}/login`);
    const form = parseForms(await page.text())[0];
    const response = await browse(jar, onInstance(form.action, on), {
      form: { ...form.fields, login: username, password: 'wrong-password' },
    });
    statuses.push(response.status);
  }
  return statuses;
}

function tally(results: { status: number; body: Record<string, any> }[]) {
  const ok = results.filter((r) => r.status === 200);
  const errors = results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.error}`);
  return { ok, errors };
}

describe(
  'three tessera processes on one PostgreSQL schema',
  { skip: !DATABASES.includes('postgres') && 'PostgreSQL is not in TEST_DATABASES' },
  () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    before(async () => {
      cluster = await startCluster(3);
    });
    after(() => cluster.stop());

    it('finishes a code flow started on A on B, and refreshes on either', async () => {
      const [a, b, c] = cluster.urls;
      const { code, verifier } = await getCode(a);
      const tokens = await redeemCode(b, code, verifier);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const first = await refresh(c, tokens.body.refresh_token);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const second = await refresh(a, first.body.refresh_token);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal((await introspect(b, second.body.access_token, FLOW_CLIENTS.web)).active, true);
    });

    it('finishes a device flow approved on B while the device polls A', async () => {
      const [a, b] = cluster.urls;
      const device = await startDevice(a);
      assert.equal((await pollDevice(a, device.device_code)).body.error, 'authorization_pending');
      await approveDevice(b, device.user_code);
      // RFC 8628 §3.5: the device waits its interval (1 s here) between polls.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const tokens = await pollDevice(a, device.device_code);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      assert.equal(typeof tokens.body.access_token, 'string');
    });

    it(`lets exactly one of ${RACERS} concurrent redemptions of one code win, and revokes the grant on replay`, async () => {
      const { code, verifier } = await getCode(cluster.urls[0]);
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => redeemCode(cluster.urls[i % 3], code, verifier)));
      const { ok, errors } = tally(results);
      assert.equal(ok.length, 1, errors.join(', '));
      assert.deepEqual([...new Set(errors)], ['400 invalid_grant']);
      // RFC 6749 §4.1.2: a code used twice revokes what it issued.
      const winner = ok[0].body;
      assert.equal((await introspect(cluster.urls[1], winner.access_token, FLOW_CLIENTS.web)).active, false);
      assert.equal((await refresh(cluster.urls[2], winner.refresh_token)).body.error, 'invalid_grant');
    });

    it(`lets exactly one of ${RACERS} concurrent uses of one refresh token win, and revokes the grant on reuse`, async () => {
      const { code, verifier } = await getCode(cluster.urls[0]);
      const tokens = (await redeemCode(cluster.urls[1], code, verifier)).body;
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => refresh(cluster.urls[i % 3], tokens.refresh_token)));
      const { ok, errors } = tally(results);
      assert.equal(ok.length, 1, errors.join(', '));
      assert.deepEqual([...new Set(errors)], ['400 invalid_grant']);
      // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole grant, the winner's new token included.
      assert.equal((await refresh(cluster.urls[0], ok[0].body.refresh_token)).body.error, 'invalid_grant');
    });

    it(`lets exactly one of ${RACERS} concurrent polls of one approved device code get the tokens`, async () => {
      const device = await startDevice(cluster.urls[2]);
      await approveDevice(cluster.urls[1], device.user_code);
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => pollDevice(cluster.urls[i % 3], device.device_code)));
      const { ok, errors } = tally(results);
      assert.equal(ok.length, 1, errors.join(', '));
      for (const error of errors) assert.ok(['400 invalid_grant', '400 slow_down'].includes(error), error);
      assert.equal((await pollDevice(cluster.urls[0], device.device_code)).body.error, 'invalid_grant');
    });

    it('throttles sign-in failures of one account from one address across instances (database counters)', async () => {
      const statuses = await failedSignIns(cluster.urls, 8);
      assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
      assert.deepEqual(statuses.slice(5), [429, 429, 429]);
    });
  },
);

describe(
  'two tessera processes sharing Redis rate limits',
  { skip: !DATABASES.includes('postgres') && 'PostgreSQL is not in TEST_DATABASES' },
  () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    before(async () => {
      cluster = await startCluster(2, {
        redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        redisKeyPrefix: `tessera-test:${randomBytes(6).toString('hex')}:`,
      });
    });
    after(() => cluster.stop());

    it('throttles sign-in failures of one account from one address across instances (Redis counters)', async () => {
      const statuses = await failedSignIns(cluster.urls, 7);
      assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
      assert.deepEqual(statuses.slice(5), [429, 429]);
    });
  },
);
