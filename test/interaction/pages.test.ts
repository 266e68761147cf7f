import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { renderConsentPage } from '../../src/interaction/consent-page.js';
import { renderDeviceCodePage } from '../../src/interaction/device-code-page.js';
import { renderDeviceConsentPage } from '../../src/interaction/device-consent-page.js';
import { renderDeviceResultPage } from '../../src/interaction/device-result-page.js';
import { renderErrorPage } from '../../src/interaction/error-page.js';
import { FORM_POST_SCRIPT_HASH, renderFormPost } from '../../src/interaction/form-post-page.js';
import { escapeHtml, type SafeHtml } from '../../src/interaction/html.js';
import { renderLoginPage, renderSignedInPage } from '../../src/interaction/login-page.js';
import {
  renderAccountHome,
  renderApplicationsPage,
  renderPasswordChanged,
  renderPasswordPage,
  renderSessionsPage,
} from '../../src/interaction/account-pages.js';
import { renderLogoutConfirmation, renderSignedOut, renderStillSignedIn } from '../../src/interaction/logout-pages.js';
import { InvalidRequest } from '../../src/protocol/oauth-errors.js';
import { Translations } from '../../src/i18n/translator.js';
import { buildBrand } from '../../src/interaction/brand.js';
import type { PageContext } from '../../src/interaction/page-context.js';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar } from '../support/browser-less.js';

/** A value that breaks out of an attribute, opens a script, and carries an ampersand. */
const EVIL = `x"' onmouseover=alert(1) ><script>alert('&amp;')</script>&`;
const client = {
  client_id: `id${EVIL}`,
  client_name: `name${EVIL}`,
  logo_uri: `https://logo.example/${EVIL}`,
  client_uri: `https://app.example/?a=1&b=${EVIL}`,
};

/** English pages of a brand whose every setting is hostile too. */
const ui: PageContext = {
  ...new Translations().for('en'),
  brand: buildBrand(
    {
      productName: EVIL,
      logoUrl: `https://logo.example/${EVIL}`,
      faviconUrl: `https://logo.example/${EVIL}`,
      primaryColor: '',
      stylesheetUrl: '',
    },
    {},
  ),
};

const accountUrls = {
  home: `https://op.example/account?${EVIL}`,
  password: EVIL,
  sessions: EVIL,
  applications: EVIL,
  security: EVIL,
  signOut: EVIL,
};

/** Every page, with the hostile value in every field a request or a stored record can fill. */
const PAGES: [string, () => SafeHtml][] = [
  [
    'sign-in',
    () =>
      renderLoginPage(ui, {
        action: `https://op.example/login?${EVIL}`,
        csrf: `csrf${EVIL}`,
        returnTo: `/auth${EVIL}`,
        loginHint: EVIL,
        clientName: EVIL,
        error: EVIL,
      }),
  ],
  ['signed in', () => renderSignedInPage(ui, EVIL, 'https://id.example/account')],
  ['account', () => renderAccountHome(ui, { urls: accountUrls, username: EVIL, claims: { name: EVIL, email: EVIL } })],
  ['account password', () => renderPasswordPage(ui, { urls: accountUrls, csrf: EVIL, username: EVIL, error: EVIL })],
  ['account password changed', () => renderPasswordChanged(ui, accountUrls, 2)],
  [
    'account sessions',
    () =>
      renderSessionsPage(ui, {
        urls: accountUrls,
        csrf: EVIL,
        notice: EVIL,
        sessions: [
          { sid: EVIL, userAgent: EVIL, address: EVIL, authTime: 1, lastSeenAt: 2, current: false },
          { sid: `${EVIL}2`, userAgent: null, address: null, authTime: 1, lastSeenAt: 2, current: true },
        ],
      }),
  ],
  [
    'account applications',
    () =>
      renderApplicationsPage(ui, {
        urls: accountUrls,
        csrf: EVIL,
        notice: EVIL,
        applications: [
          { clientId: EVIL, name: EVIL, scopes: [{ name: EVIL, description: EVIL }], claims: [EVIL], createdAt: 1, updatedAt: 2 },
        ],
      }),
  ],
  [
    'consent',
    () =>
      renderConsentPage(ui, {
        action: `https://op.example/auth/consent${EVIL}`,
        csrf: EVIL,
        interaction: EVIL,
        client: client as never,
        scopes: [{ name: EVIL, description: EVIL }],
        username: EVIL,
      }),
  ],
  ['device code entry', () => renderDeviceCodePage(ui, { action: EVIL, csrf: EVIL, userCode: EVIL })],
  ['device code refused', () => renderDeviceCodePage(ui, { action: EVIL, csrf: EVIL, userCode: EVIL, refused: { reason: 'unknown' } })],
  [
    'device consent',
    () =>
      renderDeviceConsentPage(ui, {
        action: EVIL,
        csrf: EVIL,
        client: client as never,
        userCode: EVIL,
        scopes: [{ name: EVIL, description: EVIL }],
        username: EVIL,
      }),
  ],
  ['device result', () => renderDeviceResultPage(ui, 'expired', `https://op.example/device?${EVIL}`)],
  ['error', () => renderErrorPage(ui, new InvalidRequest(EVIL))],
  [
    'form_post',
    () =>
      renderFormPost(
        ui,
        `https://rp.example/cb?${EVIL}`,
        new URLSearchParams([
          [EVIL, EVIL],
          ['state', EVIL],
        ]),
      ),
  ],
  [
    'logout confirmation',
    () =>
      renderLogoutConfirmation(ui, {
        action: EVIL,
        csrf: EVIL,
        params: { [EVIL]: EVIL, state: EVIL },
        clientName: EVIL,
        returnsToApp: true,
      }),
  ],
  ['signed out', () => renderSignedOut(ui)],
  ['still signed in', () => renderStillSignedIn(ui)],
];

describe('every page escapes what it shows', () => {
  for (const [name, render] of PAGES) {
    it(name, () => {
      const page = render().toString();
      assert.ok(!page.includes(EVIL), 'the raw value never appears');
      assert.doesNotMatch(page, /onmouseover=alert/, 'no attribute breaks out of its quotes');
      // Only the form_post page has a script, and it is the one the CSP hash allows.
      const scripts = [...page.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]);
      assert.deepEqual(scripts, name === 'form_post' ? ['document.getElementById("form-post").submit();'] : []);
      assert.doesNotMatch(page.replace(/<script>[^<]*<\/script>/, ''), /<script/i);
      // Every ampersand starts a character reference: the value's `&` and `&amp;` are escaped.
      assert.doesNotMatch(page, /&(?!#\d+;)/);
    });
  }

  it('shows the hostile value escaped, not dropped (the checks above are not vacuous)', () => {
    assert.ok(renderLoginPage(ui, { action: '/login', csrf: 't', error: EVIL }).toString().includes(escapeHtml(EVIL)));
    assert.ok(renderErrorPage(ui, new InvalidRequest(EVIL)).toString().includes(escapeHtml(EVIL)));
  });
});

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

describe('the CSP hashes match the inline stylesheet and script', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ database: DATABASES[0] });
  });
  after(() => server.close());

  for (const path of ['/login', '/device', '/session/end/done', '/login?return_to=https://evil.example']) {
    it(`style-src of ${path}`, async () => {
      const response = await browse(new CookieJar(), `${server.url}${path}`);
      const page = await response.text();
      const styles = [...page.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]);
      assert.equal(styles.length, 1);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.ok(csp.includes(`style-src '${sha256(styles[0])}'`), csp);
      // The sign-in page runs the passkey script (src/passkeys/passkey-fragments.ts), by its hash only.
      const scripts = [...page.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]);
      if (scripts.length === 0) assert.ok(csp.includes("script-src 'none'"), csp);
      else assert.ok(csp.includes(`script-src ${scripts.map((s) => `'${sha256(s)}'`).join(' ')};`), csp);
    });
  }

  it('script-src of the form_post page (served: test/endpoints/authorize.test.ts)', () => {
    const page = renderFormPost(ui, 'https://rp.example/cb', new URLSearchParams({ code: 'c' })).toString();
    const script = /<script>([^<]*)<\/script>/.exec(page)?.[1];
    assert.equal(FORM_POST_SCRIPT_HASH, sha256(script ?? ''));
  });
});
