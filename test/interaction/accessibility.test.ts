import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { LANGUAGES } from '../../src/i18n/languages.js';
import { launchChromium } from '../support/chromium.js';
import { DEVICE_TEST_CONFIG, startDeviceFlow } from '../support/device-fixtures.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = 'test-artifacts/accessibility';
/** One person per language, so the wrong password typed on purpose never adds up to a slowdown. */
const person = (language: string) => ({ username: `alice-${language}`, password: 'alice-password', claims: { name: 'Alice Example' } });
const WEB = {
  client_id: 'web',
  client_name: 'Photo Album',
  redirect_uris: ['http://127.0.0.1:9/cb'],
  token_endpoint_auth_method: 'none',
  client_uri: 'https://photos.example',
  policy_uri: 'https://photos.example/privacy',
  tos_uri: 'https://photos.example/terms',
};
const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page (the CSP is bypassed for the injection only): the serious and critical violations. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Every page a person meets, in every language, scanned by axe-core in Chromium: no serious or
 * critical violation. A screenshot of each is kept in test-artifacts/accessibility/.
 */
describe('accessibility of every page in every language (axe-core in Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ config: { users: LANGUAGES.map(person), clients: [WEB, ...DEVICE_TEST_CONFIG.clients] } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const language of LANGUAGES) {
    it(language, async () => {
      const context = await browser.newContext({ bypassCSP: true, locale: language, extraHTTPHeaders: { 'accept-language': language } });
      const page = await context.newPage();
      const found: string[] = [];
      const check = async (name: string) => {
        assert.equal(await page.getAttribute('html', 'lang'), language, `${name} speaks ${language}`);
        await page.screenshot({ path: `${ARTIFACTS}/${language}-${name}.png`, fullPage: true });
        for (const violation of await seriousViolations(page)) found.push(`${name}: ${violation}`);
      };
      try {
        await page.goto(`${server.url}/`);
        await check('front');
        await page.goto(`${server.url}/auth?client_id=nobody`);
        await check('error');
        await page.goto(`${server.url}/device?user_code=BCDF-GHJK`);
        await check('device-code');
        await page.goto(`${server.url}/device/done?result=expired`);
        await check('device-result');

        const query = new URLSearchParams({
          client_id: 'web',
          redirect_uri: WEB.redirect_uris[0],
          response_type: 'code',
          scope: 'openid profile email',
          ...PKCE,
        });
        await page.goto(`${server.url}/auth?${query}`);
        await check('sign-in');
        await page.fill('#login', person(language).username);
        await page.fill('#password', 'wrong-password');
        await page.click('.login-submit');
        await page.waitForSelector('.alert');
        await check('sign-in-error');
        await page.fill('#password', person(language).password);
        await page.click('.login-submit');
        await page.waitForSelector('.consent-form');
        await check('consent');

        const device = await startDeviceFlow(server.url);
        await page.goto(`${server.url}/device/confirm?user_code=${device.user_code}`);
        await page.waitForSelector('.device-consent-form');
        await check('device-consent');

        await page.goto(`${server.url}/session/end`);
        await page.waitForSelector('.logout-form');
        await check('logout');
        await page.click('.logout-submit');
        await page.waitForSelector('#signed-out');
        await check('signed-out');
      } finally {
        await context.close();
      }
      assert.deepEqual(found, []);
    });
  }
});
