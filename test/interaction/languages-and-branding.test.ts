import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { createServices } from '../../src/app/create-services.js';
import { buildApp } from '../../src/app/build-app.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar } from '../support/browser-less.js';

const client = {
  client_id: 'web',
  client_name: 'Web App',
  redirect_uris: ['https://rp.example/cb'],
  token_endpoint_auth_method: 'none',
  logo_uri: 'https://rp.example/logo.png',
  policy_uri: 'https://rp.example/privacy',
};
const users = [{ username: 'alice', password: 'correct horse battery', claims: {} }];

describe('languages of the pages', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { clients: [client], users } });
  });
  after(() => server.close());

  it('discovery lists ui_locales_supported', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(doc.ui_locales_supported, ['en', 'de', 'fr', 'es', 'ja', 'ar']);
  });

  it('ui_locales travels with the request: the sign-in page after /auth speaks it, whatever the browser prefers', async () => {
    const jar = new CookieJar();
    const query = new URLSearchParams({
      client_id: 'web',
      redirect_uri: 'https://rp.example/cb',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      ui_locales: 'de-CH fr',
    });
    const start = await browse(jar, `${server.url}/auth?${query}`, { headers: { 'accept-language': 'ja' } });
    assert.equal(start.status, 303);
    const login = await browse(jar, new URL(start.headers.get('location')!, server.url).toString(), {
      headers: { 'accept-language': 'ja' },
    });
    const page = await login.text();
    assert.match(page, /<html lang="de" dir="ltr">/);
    assert.match(page, /Anmelden/);
    assert.match(page, /um fortzufahren zu <strong>Web App<\/strong>/);
  });

  it('Accept-Language picks the language otherwise, and Arabic pages are right to left', async () => {
    const page = await (await browse(new CookieJar(), `${server.url}/device`, { headers: { 'accept-language': 'ar-EG,en;q=0.5' } })).text();
    assert.match(page, /<html lang="ar" dir="rtl">/);
    assert.match(page, /ربط جهاز/);
    const english = await (await browse(new CookieJar(), `${server.url}/device`)).text();
    assert.match(english, /<html lang="en" dir="ltr">/);
  });

  it('error pages are translated and carry the request id', async () => {
    const response = await browse(new CookieJar(), `${server.url}/auth?client_id=nobody`, { headers: { 'accept-language': 'fr' } });
    const page = await response.text();
    assert.equal(response.status, 400);
    assert.match(page, /Cette demande ne peut pas aboutir/);
    assert.match(page, /<code class="request-id">[^<]+<\/code>/);
  });
});

describe('branding', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-brand-'));
    writeFileSync(join(dir, 'brand.css'), 'main{border-radius:2px}');
    mkdirSync(join(dir, 'templates/locales/en'), { recursive: true });
    writeFileSync(join(dir, 'templates/header.html'), '<p class="operator-header">Acme internal</p>');
    writeFileSync(join(dir, 'templates/locales/en/sign_in.json'), JSON.stringify({ title: 'Sign in to Acme' }));
    server = await startTestServer({
      config: {
        branding: {
          productName: 'Acme ID',
          logoUrl: 'http://cdn.acme.test/logo.svg',
          faviconUrl: 'https://cdn.acme.example/favicon.ico',
          primaryColor: '#0b5d1e',
          stylesheetUrl: 'https://cdn.acme.example/brand.css',
          cssFile: join(dir, 'brand.css'),
          templatesDir: join(dir, 'templates'),
        },
      },
    });
  });
  after(() => server.close());

  it('shows the brand, and the CSP allows exactly its stylesheet and image origins', async () => {
    const response = await browse(new CookieJar(), `${server.url}/login`);
    const page = await response.text();
    assert.match(page, /<img src="http:\/\/cdn.acme.test\/logo.svg" alt="Acme ID" class="brand-logo">/);
    assert.match(page, /<link rel="icon" href="https:\/\/cdn.acme.example\/favicon.ico">/);
    assert.match(page, /<link rel="stylesheet" href="https:\/\/cdn.acme.example\/brand.css">/);
    assert.match(page, /<p class="operator-header">Acme internal<\/p>/);
    assert.match(page, /<h1>Sign in to Acme<\/h1>/, 'the operator message replaces the built-in one');
    const style = /<style>([^<]*)<\/style>/.exec(page)![1];
    assert.match(style, /--accent:#0b5d1e/);
    assert.ok(style.endsWith('main{border-radius:2px}'));
    const csp = response.headers.get('content-security-policy') ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    assert.ok(csp.includes(`style-src 'sha256-${hash}' https://cdn.acme.example;`), csp);
    assert.ok(csp.includes('img-src https: data: http://cdn.acme.test;'), csp);
  });

  it('the front page names the product', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    assert.match(page, /Acme ID is the OpenID Connect provider/);
  });
});

describe('branding mistakes stop startup', () => {
  const load = (branding: Record<string, unknown>) => loadConfig({ env: {}, overrides: { secret: TEST_SECRET, branding } });

  it('a primary colour white text cannot be read on', () => {
    assert.throws(
      () => load({ primaryColor: '#ffcc00' }),
      (err: unknown) => err instanceof ConfigError && /too light.*4\.5:1/.test(err.message),
    );
    assert.throws(() => load({ primaryColor: 'green' }), ConfigError);
    assert.throws(() => load({ logoUrl: 'javascript:alert(1)' }), ConfigError);
  });

  it('a message override with a misspelt key or a lost placeholder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-brand-'));
    mkdirSync(join(dir, 'locales/de'), { recursive: true });
    writeFileSync(join(dir, 'locales/de/device.json'), JSON.stringify({ throttled: 'Bitte warten.' }));
    const config = loadConfig({
      env: {},
      overrides: { secret: TEST_SECRET, databaseUrl: 'sqlite::memory:', branding: { templatesDir: dir } },
    });
    await assert.rejects(createServices(config), (err: unknown) => err instanceof ConfigError && /placeholders/.test(err.message));
  });
});

describe('the request id on an error page is the one in the log line', () => {
  it('matches', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({ env: {}, overrides: { secret: TEST_SECRET, databaseUrl: 'sqlite::memory:' } });
    const services = await createServices(config);
    const app = await buildApp(services, { logger: pino({ level: 'info' }, stream) });
    try {
      const response = await app.inject({ method: 'GET', url: '/auth?client_id=nobody' });
      const id = /<code class="request-id">([^<]+)<\/code>/.exec(response.body)?.[1];
      assert.ok(id);
      const refused = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'request refused');
      assert.equal(refused?.reqId, id);
    } finally {
      await app.close();
      await services.close();
    }
  });
});
