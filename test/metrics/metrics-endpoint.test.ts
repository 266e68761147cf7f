import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const SERVICE = {
  client_id: 'service',
  client_secret: 'service-secret-service-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
};

async function scrape(server: TestServer, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return response.text();
}

/** The value of one sample line, e.g. sample(text, 'tessera_tokens_issued_total{grant_type="client_credentials"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const database of DATABASES) {
  describe(`Prometheus metrics (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: [SERVICE], metrics: { enabled: true, token: TOKEN } } });
    });
    after(() => server.close());

    it('counts requests by route pattern and status, never by raw URL', async () => {
      await fetch(`${server.url}/jwks?code=SECRET-LOOKING-VALUE`);
      await fetch(`${server.url}/no/such/path/SECRET-LOOKING-VALUE`);
      const text = await scrape(server);
      assert.ok((sample(text, 'tessera_http_requests_total{method="GET",route="/jwks",status="200"}') ?? 0) >= 1);
      assert.ok((sample(text, 'tessera_http_requests_total{method="GET",route="unmatched",status="404"}') ?? 0) >= 1);
      assert.ok((sample(text, 'tessera_http_request_duration_seconds_count{method="GET",route="/jwks",status="200"}') ?? 0) >= 1);
      assert.ok(!text.includes('SECRET-LOOKING-VALUE'));
    });

    it('counts tokens issued per grant type where the token endpoint answers', async () => {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SERVICE.client_id,
        client_secret: SERVICE.client_secret,
      });
      assert.equal((await fetch(`${server.url}/token`, { method: 'POST', body })).status, 200);
      assert.equal(
        (
          await fetch(`${server.url}/token`, {
            method: 'POST',
            body: new URLSearchParams({ ...Object.fromEntries(body), client_secret: 'wrong' }),
          })
        ).status,
        401,
      );
      const text = await scrape(server);
      assert.equal(sample(text, 'tessera_tokens_issued_total{grant_type="client_credentials"}'), 1);
      assert.equal(sample(text, 'tessera_http_requests_total{method="POST",route="/token",status="401"}'), 1);
      assert.ok(!text.includes(SERVICE.client_secret));
    });

    it('counts rate-limit refusals and sign-in failures by name, and database query latency', async () => {
      for (let i = 0; i < 3; i++) await server.services.rateLimiter.hit('metrics-test:k', 2, 60);
      server.services.metrics.signInFailed('bad_credentials');
      const text = await scrape(server);
      assert.equal(sample(text, 'tessera_rate_limit_hits_total{limit="metrics-test"}'), 1);
      assert.equal(sample(text, 'tessera_signin_failures_total{reason="bad_credentials"}'), 1);
      assert.ok((sample(text, 'tessera_db_query_duration_seconds_count{outcome="ok"}') ?? 0) > 0);
      if (database === 'postgres') assert.ok((sample(text, 'tessera_db_pool_connections{state="total"}') ?? 0) >= 1);
      assert.ok((sample(text, 'process_resident_memory_bytes') ?? 0) > 0);
    });
  });
}

describe('protecting /metrics', () => {
  it('is not public by default: outside dev mode, without metrics.token, it is not served (404)', async () => {
    const server = await startTestServer({ config: {} });
    try {
      assert.equal(server.services.config.dev, false);
      const response = await fetch(`${server.url}/metrics`);
      assert.equal(response.status, 404);
      assert.doesNotMatch(await response.text(), /tessera_/);
    } finally {
      await server.close();
    }
  });

  it('dev mode serves it without a token', async () => {
    const server = await startTestServer({ config: { dev: true } });
    try {
      assert.match(await scrape(server, {}), /tessera_http_requests_total/);
    } finally {
      await server.close();
    }
  });

  it('requires the configured Bearer token when metrics.token is set', async () => {
    const token = TOKEN;
    const server = await startTestServer({ config: { metrics: { enabled: true, token } } });
    try {
      const anonymous = await fetch(`${server.url}/metrics`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer /);
      assert.equal(((await anonymous.json()) as { error: string }).error, 'invalid_token');
      assert.equal(
        (await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status,
        401,
      );
      assert.match(await scrape(server, { authorization: `Bearer ${token}` }), /tessera_http_requests_total/);
    } finally {
      await server.close();
    }
  });

  it('is not served at all when metrics.enabled is false', async () => {
    const server = await startTestServer({ config: { metrics: { enabled: false, token: '' } } });
    try {
      const response = await fetch(`${server.url}/metrics`);
      assert.equal(response.status, 404);
    } finally {
      await server.close();
    }
  });
});
