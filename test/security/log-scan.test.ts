import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRET } from '../support/test-provider.js';
import { spawnTessera, type SpawnedTessera } from '../support/spawn-tessera.js';
import { DEFAULT_USER, browse, CookieJar, parseForms } from '../support/browser-less.js';
import {
  FLOW_CLIENTS,
  approveDevice,
  clientCredentials,
  flowConfig,
  getCode,
  introspect,
  onInstance,
  pollDevice,
  redeemCode,
  refresh,
  startDevice,
} from '../support/cluster-flows.js';

const METRICS_TOKEN = 'metrics-token-for-the-log-scan-0123';

interface Seen {
  url: string;
  status: number;
  headers: Headers;
}

/**
 * Runs every flow against a real `tessera serve` logging at `level`, remembering every secret,
 * password, code and token that crossed the wire, and every response. Then the log is searched.
 */
async function fullRun(server: SpawnedTessera): Promise<{ secrets: Set<string>; responses: Seen[] }> {
  const secrets = new Set<string>([
    TEST_SECRET,
    FLOW_CLIENTS.web.client_secret,
    FLOW_CLIENTS.service.client_secret,
    DEFAULT_USER.password,
    METRICS_TOKEN,
    'a-wrong-password-for-the-scan',
  ]);
  const responses: Seen[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    responses.push({ url: input instanceof Request ? input.url : String(input), status: response.status, headers: response.headers });
    for (const cookie of response.headers.getSetCookie()) secrets.add(cookie.split(';')[0].split('=').slice(1).join('='));
    return response;
  };
  try {
    const url = server.url;
    // A failed sign-in first: the wrong password must not be logged either.
    const jar = new CookieJar();
    const loginPage = parseForms(await (await browse(jar, `${url}/login`)).text())[0];
    secrets.add(loginPage.fields.csrf ?? loginPage.fields.csrf_token ?? '');
    await browse(jar, onInstance(loginPage.action, url), {
      form: { ...loginPage.fields, login: DEFAULT_USER.username, password: 'a-wrong-password-for-the-scan' },
    });

    const { code, verifier, jar: session } = await getCode(url);
    secrets.add(code).add(verifier);
    const tokens = (await redeemCode(url, code, verifier)).body;
    for (const name of ['access_token', 'refresh_token', 'id_token']) secrets.add(tokens[name]);
    // Replaying the code (logged as a refusal) must not log the code.
    await redeemCode(url, code, verifier);
    const { code: code2, verifier: verifier2 } = await getCode(url, session);
    secrets.add(code2).add(verifier2);
    const second = (await redeemCode(url, code2, verifier2)).body;
    for (const name of ['access_token', 'refresh_token', 'id_token']) secrets.add(second[name]);
    const rotated = (await refresh(url, second.refresh_token)).body;
    for (const name of ['access_token', 'refresh_token', 'id_token']) secrets.add(rotated[name]);
    await fetch(`${url}/userinfo`, { headers: { authorization: `Bearer ${rotated.access_token}` } });
    await introspect(url, rotated.access_token, FLOW_CLIENTS.web);
    await fetch(`${url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: rotated.refresh_token, client_id: 'web', client_secret: FLOW_CLIENTS.web.client_secret }),
    });
    await fetch(`${url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`web:${FLOW_CLIENTS.web.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=' + encodeURIComponent(rotated.refresh_token),
    });

    const cc = (await clientCredentials(url)).body;
    secrets.add(cc.access_token);

    const device = await startDevice(url);
    secrets.add(device.device_code).add(device.user_code);
    await pollDevice(url, device.device_code);
    await approveDevice(url, device.user_code);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const deviceTokens = (await pollDevice(url, device.device_code)).body;
    for (const name of ['access_token', 'refresh_token', 'id_token']) if (deviceTokens[name]) secrets.add(deviceTokens[name]);

    // Sign-out with an id_token_hint in the query string, and a look at the metrics.
    const logout = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'https://web.example/bye',
      client_id: 'web',
    });
    await browse(session, `${url}/session/end?${logout}`);
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await fetch(
      `${url}/auth?client_id=unknown&response_type=code&redirect_uri=https://x.example/cb&state=${encodeURIComponent(tokens.access_token)}`,
    );
  } finally {
    globalThis.fetch = realFetch;
  }
  secrets.delete('');
  return { secrets, responses };
}

for (const level of ['debug', 'info']) {
  describe(`no secret in the logs (level ${level})`, () => {
    let dir: string;
    let server: SpawnedTessera;
    let run: Awaited<ReturnType<typeof fullRun>>;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tessera-logscan-'));
      server = await spawnTessera({
        config: flowConfig({
          databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`,
          logLevel: level,
          device: { interval: 1 },
          metrics: { enabled: true, token: METRICS_TOKEN },
        }),
      });
      run = await fullRun(server);
    });
    after(async () => {
      await server.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    });

    it('logs requests, and none of the secrets, passwords, codes and tokens used', () => {
      const log = server.output();
      assert.match(log, /"path":"\/token"/, 'requests are logged');
      assert.ok(run.secrets.size > 20);
      for (const secret of run.secrets) {
        assert.ok(secret.length >= 8, `secret too short to search for: ${secret}`);
        assert.ok(
          !log.includes(secret),
          `the log holds a secret (${secret.slice(0, 12)}...): ${log
            .split('\n')
            .find((l) => l.includes(secret))
            ?.slice(0, 400)}`,
        );
      }
    });

    it('sends security headers with every HTML page, and only HttpOnly SameSite cookies', () => {
      const pages = run.responses.filter((r) => (r.headers.get('content-type') ?? '').startsWith('text/html'));
      assert.ok(pages.length >= 8, `pages seen: ${pages.length}`);
      for (const page of pages) {
        const csp = page.headers.get('content-security-policy') ?? '';
        assert.match(csp, /frame-ancestors 'none'/, `${page.url}: CSP frame-ancestors`);
        assert.match(csp, /default-src 'none'/, `${page.url}: CSP default-src`);
        assert.equal(page.headers.get('x-content-type-options'), 'nosniff', page.url);
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer', page.url);
      }
      for (const response of run.responses) {
        for (const cookie of response.headers.getSetCookie()) {
          assert.match(cookie, /;\s*HttpOnly/i, `${response.url}: ${cookie.split('=')[0]} HttpOnly`);
          assert.match(cookie, /;\s*SameSite=(Lax|Strict)/i, `${response.url}: ${cookie.split('=')[0]} SameSite`);
        }
      }
    });
  });
}
