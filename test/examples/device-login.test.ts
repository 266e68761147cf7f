import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { DEFAULT_USER } from '../support/browser-less.js';
import { DEVICE_TEST_CONFIG } from '../support/device-fixtures.js';
import { spawnExample, spawnTesseraForExample } from '../support/spawn-example.js';
import type { SpawnedTessera } from '../support/spawn-tessera.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('examples/device-login.ts: the device client signs in while a person approves in Chromium', () => {
  let tessera: SpawnedTessera;
  let browser: Browser;

  before(async () => {
    // A one-second polling interval keeps the example's waits short.
    tessera = await spawnTesseraForExample({ ...DEVICE_TEST_CONFIG, device: { interval: 1 } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await tessera?.stop();
  });

  /** Starts the example and returns it with the code and URL it printed for the person. */
  async function startDevice() {
    const device = spawnExample('examples/device-login.ts', { TESSERA_ISSUER: tessera.url, CLIENT_ID: 'tv', SCOPE: 'openid profile' });
    const [, userCode] = await device.waitFor(/enter the code:\s+([B-Z]{4}-[B-Z]{4})/);
    const [, complete] = await device.waitFor(/\(or open (\S+)\)/);
    return { device, userCode, complete };
  }

  async function approve(verificationUriComplete: string, userCode: string, decision: 'allow' | 'deny') {
    const page = await (await browser.newContext()).newPage();
    await page.goto(verificationUriComplete);
    assert.equal(await page.inputValue('#user_code'), userCode, 'the complete URI fills the code in');
    await page.click('.device-code-submit');
    await page.fill('#login', DEFAULT_USER.username);
    await page.fill('#password', DEFAULT_USER.password);
    await page.click('.login-submit');
    await page.waitForSelector('.device-consent-form');
    await page.click(decision === 'allow' ? '.consent-allow' : '.consent-deny');
    await page.waitForSelector('.device-result');
    await page.context().close();
  }

  it('prints the code, polls, and prints the tokens once the person allows', async () => {
    const { device, userCode, complete } = await startDevice();
    assert.equal(complete, `${tessera.url}/device?user_code=${userCode}`);
    await approve(complete, userCode, 'allow');
    assert.equal(await device.exited, 0, device.output());
    const tokens = JSON.parse(device.output().slice(device.output().indexOf('{')));
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.scope, 'openid profile');
    assert.ok(tokens.access_token && tokens.id_token);
  });

  it('exits 2 with "Access was denied." when the person denies', async () => {
    const { device, userCode, complete } = await startDevice();
    await approve(complete, userCode, 'deny');
    assert.equal(await device.exited, 2, device.output());
    assert.match(device.output(), /Access was denied\./);
  });

  it('exits 1 with the OAuth error when the client may not use the device flow', async () => {
    const device = spawnExample('examples/device-login.ts', { TESSERA_ISSUER: tessera.url, CLIENT_ID: 'nobody' });
    assert.equal(await device.exited, 1);
    assert.match(device.output(), /device authorization failed: invalid_client/);
  });
});
