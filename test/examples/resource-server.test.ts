import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnExample, spawnTesseraForExample, type SpawnedExample } from '../support/spawn-example.js';
import type { SpawnedTessera } from '../support/spawn-tessera.js';
import { freePort } from '../support/test-provider.js';

const AUDIENCE = 'https://api.example.test';
const callers = (format: 'jwt' | 'opaque') => ({
  client_id: `caller_${format}`,
  client_secret: `caller-${format}-secret`,
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
  access_token_format: format,
});

describe('examples/resource-server: JWT and opaque access tokens, audience and scope checks (RFC 6750, RFC 9068)', () => {
  let tessera: SpawnedTessera;
  let api: SpawnedExample;
  let apiUrl: string;

  before(async () => {
    tessera = await spawnTesseraForExample({
      scopes: ['api.read: Read the example API', 'api.write: Change the example API'],
      // The API is a registered resource: clients may ask tokens for it (RFC 8707).
      accessTokens: { resources: [AUDIENCE] },
      clients: [
        // The API itself, to introspect opaque tokens: its client_id is its audience.
        {
          client_id: AUDIENCE,
          client_secret: 'api-introspection-secret',
          grant_types: ['client_credentials'],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        callers('jwt'),
        callers('opaque'),
      ],
    });
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}/api/data`;
    api = spawnExample('examples/resource-server/server.ts', {
      TESSERA_ISSUER: tessera.url,
      AUDIENCE,
      CLIENT_SECRET: 'api-introspection-secret',
      REQUIRED_SCOPE: 'api.read',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await api.waitFor(/example API: /);
  });
  after(async () => {
    await api?.stop();
    await tessera?.stop();
  });

  async function token(format: 'jwt' | 'opaque', params: Record<string, string>): Promise<string> {
    const response = await fetch(`${tessera.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: `caller_${format}`,
        client_secret: `caller-${format}-secret`,
        ...params,
      }),
    });
    const body = (await response.json()) as Record<string, string>;
    assert.equal(response.status, 200, JSON.stringify(body));
    return body.access_token;
  }

  async function call(authorization?: string) {
    const response = await fetch(apiUrl, { headers: authorization ? { authorization } : {} });
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      body: (await response.json()) as Record<string, string>,
    };
  }

  it('accepts a JWT access token for its audience with the scope', async () => {
    const jwt = await token('jwt', { scope: 'api.read', resource: AUDIENCE });
    assert.equal(jwt.split('.').length, 3);
    const { status, body } = await call(`Bearer ${jwt}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, { message: 'Hello from the example API', sub: 'caller_jwt', client_id: 'caller_jwt', token_format: 'jwt' });
  });

  it('accepts an opaque access token through introspection, and refuses it once revoked', async () => {
    const opaque = await token('opaque', { scope: 'api.read', resource: AUDIENCE });
    assert.notEqual(opaque.split('.').length, 3);
    const accepted = await call(`Bearer ${opaque}`);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.token_format, 'opaque');
    assert.equal(accepted.body.client_id, 'caller_opaque');

    const revoked = await fetch(`${tessera.url}/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: opaque, client_id: 'caller_opaque', client_secret: 'caller-opaque-secret' }),
    });
    assert.equal(revoked.status, 200);
    const refused = await call(`Bearer ${opaque}`);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_token');
  });

  it('answers 403 insufficient_scope, naming the scope, to a valid token without it', async () => {
    for (const format of ['jwt', 'opaque'] as const) {
      const { status, challenge, body } = await call(`Bearer ${await token(format, { scope: 'api.write', resource: AUDIENCE })}`);
      assert.equal(status, 403, format);
      assert.equal(body.error, 'insufficient_scope');
      assert.match(challenge!, /^Bearer realm="example-api", error="insufficient_scope", error_description="[^"]+", scope="api.read"$/);
    }
  });

  it('answers 401 invalid_token to tokens for another audience', async () => {
    for (const format of ['jwt', 'opaque'] as const) {
      // No resource: the token's audience is the issuer, not this API.
      const { status, challenge, body } = await call(`Bearer ${await token(format, { scope: 'api.read' })}`);
      assert.equal(status, 401, format);
      assert.equal(body.error, 'invalid_token');
      assert.match(challenge!, /^Bearer realm="example-api", error="invalid_token", error_description="[^"]+"$/);
    }
  });

  it('answers 401 invalid_token to garbage, 401 without an error code to no token, and 400 to a malformed header', async () => {
    for (const garbage of ['garbage', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'a.b.c']) {
      const { status, challenge, body } = await call(`Bearer ${garbage}`);
      assert.equal(status, 401, garbage);
      assert.equal(body.error, 'invalid_token', garbage);
      assert.match(challenge!, /error="invalid_token"/);
    }
    for (const authorization of [undefined, 'Basic YTpi']) {
      const { status, challenge } = await call(authorization);
      assert.equal(status, 401);
      assert.equal(challenge, 'Bearer realm="example-api"'); // RFC 6750 §3.1: no error code without a token
    }
    const malformed = await call('Bearer two words');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error, 'invalid_request');
    assert.match(malformed.challenge!, /error="invalid_request"/);
  });
});
