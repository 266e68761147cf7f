import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTessera, type SpawnedTessera } from '../support/spawn-tessera.js';

const SERVICE = {
  client_id: 'service',
  client_secret: 'service-secret-service-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
};

describe('SIGTERM on a real tessera serve process', () => {
  let dir: string;
  let server: SpawnedTessera;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-drain-'));
    server = await spawnTessera({ config: { databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, clients: [SERVICE] } });
  });
  after(async () => {
    await server.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refuses new connections, then exits 0', async () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SERVICE.client_id,
      client_secret: SERVICE.client_secret,
    }).toString();
    const url = new URL(server.url);
    // A request whose body is still arriving when the signal comes: it is in flight.
    let finishBody = () => {};
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      finishBody = () => req.end(body.slice(10));
    });
    // The headers reach the server before the signal does.
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.process.kill('SIGTERM');

    // Shutdown has begun: new connections are refused while our request is still open.
    for (let i = 0; ; i++) {
      const refused = await fetch(`${server.url}/healthz`).then(
        (r) => r.status === 503,
        () => true,
      );
      if (refused) break;
      assert.ok(i < 100, 'the server kept accepting connections after SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    finishBody();
    const answer = await inFlight;
    assert.equal(answer.status, 200, answer.body);
    assert.equal(typeof (JSON.parse(answer.body) as { access_token?: string }).access_token, 'string');
    assert.equal(await server.exited, 0);
  });
});
