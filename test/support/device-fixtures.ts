import type { Services } from '../../src/app/create-services.js';
import { GRANT_DEVICE_CODE } from '../../src/clients/client.js';
import { systemClock } from '../../src/util/clock.js';
import { normaliseUserCode } from '../../src/tokens/user-code.js';
import { randomToken } from '../../src/util/random.js';
import { browse, CookieJar, DEFAULT_USER, parseForms } from './browser-less.js';

/** Clients and a user for the device-flow suites. */
export const DEVICE_TEST_CONFIG = {
  clients: [
    {
      client_id: 'tv',
      client_name: 'Living-room TV',
      grant_types: [GRANT_DEVICE_CODE, 'refresh_token'],
      response_types: [],
      token_endpoint_auth_method: 'none',
    },
    {
      client_id: 'tv_no_refresh',
      client_name: 'Kiosk',
      grant_types: [GRANT_DEVICE_CODE],
      response_types: [],
      token_endpoint_auth_method: 'none',
    },
    {
      client_id: 'tv_limited',
      client_name: 'Limited TV',
      grant_types: [GRANT_DEVICE_CODE],
      response_types: [],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    },
    {
      client_id: 'tv_confidential',
      client_secret: 'tv-confidential-secret',
      client_name: 'Set-top box',
      grant_types: [GRANT_DEVICE_CODE],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'service',
      client_secret: 'service-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  users: [DEFAULT_USER],
};

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export function form(values: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values).toString() };
}

/** POST /device/auth for a public client. */
export async function startDeviceFlow(url: string, clientId = 'tv', scope = 'openid profile'): Promise<DeviceAuthorization> {
  const response = await fetch(`${url}/device/auth`, form({ client_id: clientId, scope }));
  if (response.status !== 200) throw new Error(`device authorization failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as DeviceAuthorization;
}

/** One poll of the token endpoint by a public client. */
export async function poll(url: string, deviceCode: string, clientId = 'tv'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/token`, form({ grant_type: GRANT_DEVICE_CODE, device_code: deviceCode, client_id: clientId }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What the verification page does on Allow, without the browser: for grant-side suites. */
export async function approveDirectly(services: Services, userCode: string, username = 'alice'): Promise<string> {
  const user = await services.users.findByUsername(username);
  const code = normaliseUserCode(userCode)!;
  const record = await services.deviceCodes.findByUserCode(code);
  if (!user || !record) throw new Error('no such user or user code');
  const now = systemClock.nowSeconds();
  const grant = {
    id: randomToken(16),
    userId: user.id,
    clientId: record.clientId,
    scope: record.scope,
    sid: null,
    createdAt: now,
    expiresAt: now + 3600,
    revokedAt: null,
  };
  const ok = await services.deviceCodes.approve(code, grant, { userId: user.id, authTime: now, acr: null, amr: ['pwd'], sid: null }, now);
  if (!ok) throw new Error('not pending');
  return user.id;
}

/** Moves the clock of a device code back by `seconds` (instead of sleeping through intervals). */
export async function ageDeviceCode(services: Services, userCode: string, seconds: number): Promise<void> {
  const code = normaliseUserCode(userCode)!;
  const record = await services.deviceCodes.findByUserCode(code);
  if (!record) throw new Error('no such user code');
  await services.db
    .updateTable('device_codes')
    .set({
      created_at: record.createdAt - seconds,
      expires_at: record.expiresAt - seconds,
      last_polled_at: record.lastPolledAt === null ? null : record.lastPolledAt - seconds,
    })
    .where('user_code', '=', code)
    .execute();
}

export interface DevicePageWalk {
  /** Pages seen on the way: 'code', 'login', 'consent', 'result'. */
  pages: string[];
  /** The last response and its HTML. */
  response: Response;
  html: string;
  jar: CookieJar;
}

/**
 * A person at the verification page without a browser (cookie jar over fetch): enters `typed`
 * at /device, signs in when asked, and presses `decision` on the consent page.
 */
export async function walkDevicePage(
  issuer: string,
  typed: string,
  options: { jar?: CookieJar; decision?: 'allow' | 'deny'; username?: string; password?: string } = {},
): Promise<DevicePageWalk> {
  const jar = options.jar ?? new CookieJar();
  const pages: string[] = ['code'];
  const entry = await browse(jar, `${issuer}/device`);
  const codeForm = parseForms(await entry.text())[0];
  let response = await browse(jar, codeForm.action, { form: { ...codeForm.fields, user_code: typed } });
  for (let step = 0; step < 10; step++) {
    if (response.status === 303) {
      response = await browse(jar, new URL(response.headers.get('location')!, issuer).toString());
      continue;
    }
    const html = await response.text();
    const form = parseForms(html)[0];
    if (html.includes('class="login-submit"')) {
      pages.push('login');
      response = await browse(jar, form.action, {
        form: { ...form.fields, login: options.username ?? DEFAULT_USER.username, password: options.password ?? DEFAULT_USER.password },
      });
      continue;
    }
    if (html.includes('class="device-consent-form"')) {
      pages.push('consent');
      if (!options.decision) return { pages, response, html, jar };
      response = await browse(jar, form.action, { form: { ...form.fields, decision: options.decision } });
      continue;
    }
    pages.push(html.includes('class="device-result"') ? 'result' : 'code');
    return { pages, response, html, jar };
  }
  throw new Error('too many steps');
}
