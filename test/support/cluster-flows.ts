import { authorize, browse, CookieJar, DEFAULT_USER, parseForms } from './browser-less.js';
import { pkcePair, postToken } from './issue-code.js';

/**
 * The four walkthrough flows over plain HTTP, so they run against any process: a test server,
 * a spawned `tessera serve`, or several of them sharing one database (cluster, faults, soak).
 */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const FLOW_CLIENTS = {
  web: {
    client_id: 'web',
    client_secret: 'web-secret-web-secret-web-secret',
    redirect_uris: ['https://web.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  service: {
    client_id: 'service',
    client_secret: 'service-secret-service-secret',
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_post',
  },
  tv: { client_id: 'tv', grant_types: [DEVICE_GRANT, 'refresh_token'], response_types: [], token_endpoint_auth_method: 'none' },
};

export function flowConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { clients: Object.values(FLOW_CLIENTS), users: [DEFAULT_USER], ...extra };
}

export type Json = Record<string, any>;

/** Points a URL the issuer printed at another instance (what a load balancer does by itself). */
export function onInstance(url: string, instance: string): string {
  const u = new URL(url);
  const target = new URL(instance);
  u.protocol = target.protocol;
  u.host = target.host;
  return u.toString();
}

/** Authorization request on `authorizeOn` (sign-in and consent pages there); returns the code and its verifier. */
export async function getCode(authorizeOn: string, jar = new CookieJar()): Promise<{ code: string; verifier: string; jar: CookieJar }> {
  const { verifier, challenge } = pkcePair();
  const result = await authorize(
    authorizeOn,
    {
      response_type: 'code',
      client_id: FLOW_CLIENTS.web.client_id,
      redirect_uri: FLOW_CLIENTS.web.redirect_uris[0],
      scope: 'openid profile offline_access',
      prompt: 'consent',
      state: 'state-1',
      nonce: 'nonce-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    },
    { jar },
  );
  if (!result.code) throw new Error(`no code: ${result.location}`);
  return { code: result.code, verifier, jar: result.jar };
}

export function redeemCode(tokenOn: string, code: string, verifier: string) {
  return postToken(tokenOn, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: FLOW_CLIENTS.web.redirect_uris[0],
    client_id: FLOW_CLIENTS.web.client_id,
    client_secret: FLOW_CLIENTS.web.client_secret,
    code_verifier: verifier,
  });
}

export function refresh(tokenOn: string, refreshToken: string) {
  return postToken(tokenOn, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: FLOW_CLIENTS.web.client_id,
    client_secret: FLOW_CLIENTS.web.client_secret,
  });
}

export function clientCredentials(tokenOn: string) {
  return postToken(tokenOn, {
    grant_type: 'client_credentials',
    client_id: FLOW_CLIENTS.service.client_id,
    client_secret: FLOW_CLIENTS.service.client_secret,
  });
}

export async function startDevice(on: string): Promise<Json> {
  const response = await fetch(`${on}/device/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: FLOW_CLIENTS.tv.client_id, scope: 'openid profile offline_access' }),
  });
  if (response.status !== 200) throw new Error(`device authorization: ${response.status} ${await response.text()}`);
  return (await response.json()) as Json;
}

export function pollDevice(tokenOn: string, deviceCode: string) {
  return postToken(tokenOn, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: FLOW_CLIENTS.tv.client_id });
}

/** A person approves `userCode` on the verification pages of instance `on` (signing in there if needed). */
export async function approveDevice(on: string, userCode: string, jar = new CookieJar()): Promise<void> {
  const entry = await browse(jar, `${on}/device`);
  const codeForm = parseForms(await entry.text())[0];
  let response = await browse(jar, onInstance(codeForm.action, on), { form: { ...codeForm.fields, user_code: userCode } });
  for (let step = 0; step < 10; step++) {
    if (response.status >= 300 && response.status < 400) {
      response = await browse(jar, onInstance(new URL(response.headers.get('location')!, on).toString(), on));
      continue;
    }
    const html = await response.text();
    const form = parseForms(html)[0];
    if (html.includes('class="login-submit"')) {
      response = await browse(jar, onInstance(form.action, on), {
        form: { ...form.fields, login: DEFAULT_USER.username, password: DEFAULT_USER.password },
      });
      continue;
    }
    if (html.includes('class="device-consent-form"')) {
      response = await browse(jar, onInstance(form.action, on), { form: { ...form.fields, decision: 'allow' } });
      continue;
    }
    if (html.includes('class="device-result"')) return;
    throw new Error(`unexpected device page (HTTP ${response.status}): ${html.slice(0, 500)}`);
  }
  throw new Error('too many steps on the device pages');
}

/** RFC 7662 introspection by the client the token was issued to. */
export async function introspect(on: string, token: string, client: { client_id: string; client_secret: string }): Promise<Json> {
  const response = await fetch(`${on}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: client.client_id, client_secret: client.client_secret }),
  });
  return (await response.json()) as Json;
}
