import { createHash } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { GRANT_DEVICE_CODE } from '../clients/client.js';
import { randomToken } from '../util/random.js';
import { decodeJwt, looksLikeJwt } from './decode-jwt.js';
import { buildRequest, sendRecorded, type Exchange, type HttpRequestRecord } from './exchange.js';
import { STEPS, type StepText } from './explanations.js';
import type { PlaygroundClient } from './playground-client.js';
import { STATE_PREFIX, type Run } from './runs.js';

/** What every flow needs: the demo client it acts as and the issuer the browser is sent to. */
export interface FlowContext {
  client: PlaygroundClient;
  issuer: string;
}

type Json = Record<string, unknown>;

const CODE_FLOW_SCOPE = 'openid profile email offline_access';
const DEVICE_SCOPE = 'openid profile offline_access';
const FORM = 'application/x-www-form-urlencoded';

function parseJson(body: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Sends one back-channel request, recording it before it leaves and its answer when it comes. */
async function backChannel(run: Run, text: StepText, request: HttpRequestRecord): Promise<{ exchange: Exchange; json?: Json }> {
  const exchange: Exchange = { channel: 'back-channel', ...text, at: new Date().toISOString(), request, jwts: [] };
  run.exchanges.push(exchange);
  try {
    exchange.response = await sendRecorded(request);
  } catch (err) {
    exchange.note = `No answer: ${(err as Error).message}`;
    return { exchange };
  }
  return { exchange, json: parseJson(exchange.response.body) };
}

/** RFC 6749 §2.3.1: client_id and secret, each form-encoded, joined by a colon, in base64. */
function basicCredential(client: PlaygroundClient): string {
  return Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
}

function authenticatedPost(run: Run, ctx: FlowContext, path: string, form: Record<string, string>): HttpRequestRecord {
  const credential = basicCredential(ctx.client);
  run.secrets.add(ctx.client.clientSecret).add(credential);
  const body = new URLSearchParams(form).toString();
  return buildRequest(
    'POST',
    `${run.base}${path}`,
    [
      ['Content-Type', FORM],
      ['Authorization', `Basic ${credential}`],
    ],
    body,
  );
}

async function fetchJwks(run: Run): Promise<JSONWebKeySet | undefined> {
  if (run.jwks) return run.jwks;
  const { json } = await backChannel(run, STEPS.jwks, buildRequest('GET', `${run.base}/jwks`, []));
  if (json && Array.isArray(json.keys)) run.jwks = json as unknown as JSONWebKeySet;
  return run.jwks;
}

/** A token request at /token; on success the tokens are kept, masked, and their JWTs decoded and checked. */
async function tokenRequest(
  run: Run,
  ctx: FlowContext,
  text: StepText,
  form: Record<string, string>,
): Promise<{ exchange: Exchange; json?: Json }> {
  const result = await backChannel(run, text, authenticatedPost(run, ctx, '/token', form));
  const { exchange, json } = result;
  if (exchange.response?.status !== 200 || !json) return result;
  for (const name of ['access_token', 'refresh_token', 'id_token'] as const) {
    const value = json[name];
    if (typeof value === 'string') {
      run.tokens[name] = value;
      run.secrets.add(value);
    }
  }
  const jwts = (['id_token', 'access_token'] as const).filter((name) => looksLikeJwt(json[name]));
  if (jwts.length) {
    const jwks = await fetchJwks(run);
    const accessToken = typeof json.access_token === 'string' ? json.access_token : undefined;
    for (const name of jwts) exchange.jwts.push(await decodeJwt(name, json[name] as string, jwks ?? { keys: [] }, accessToken));
  }
  return result;
}

function describeError(json: Json | undefined, exchange: Exchange): string {
  if (!exchange.response) return exchange.note ?? 'no answer';
  if (json && typeof json.error === 'string')
    return `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}`;
  return `HTTP ${exchange.response.status}`;
}

function fail(run: Run, status: string): void {
  run.status = status;
  run.succeeded = false;
}

// --- Authorization code + PKCE, consent, refresh ---------------------------------------------

/** Builds the authorization request, records it, and returns the URL the browser is sent to. */
export function authorizationRequest(run: Run, ctx: FlowContext, method: 'S256' | 'plain'): string {
  run.pkceMethod = method;
  run.state = `${STATE_PREFIX}${randomToken(16)}`;
  run.nonce = randomToken(16);
  run.codeVerifier = randomToken(32); // RFC 7636 §4.1: 43 characters of [A-Za-z0-9-._~]
  run.secrets.add(run.codeVerifier);
  const challenge = method === 'S256' ? createHash('sha256').update(run.codeVerifier).digest('base64url') : run.codeVerifier;
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: ctx.client.clientId,
    redirect_uri: ctx.client.redirectUri,
    scope: CODE_FLOW_SCOPE,
    state: run.state,
    nonce: run.nonce,
    code_challenge: challenge,
    code_challenge_method: method,
    prompt: 'consent',
  });
  const url = `${ctx.issuer}/auth?${params.toString()}`;
  run.exchanges.push({
    channel: 'front-channel',
    ...STEPS.authorizationRequest,
    at: new Date().toISOString(),
    request: { method: 'GET', url, headers: [], body: '' },
    note: 'The playground built this URL and redirected your browser to it (303). Your browser sent the request with its own headers, and the sign-in and consent pages went to your browser, not to the playground.',
    jwts: [],
  });
  run.status = 'Waiting for you to sign in and allow access in the browser.';
  return url;
}

export interface ReceivedCallback {
  url: string;
  headers: [string, string][];
  query: Record<string, string>;
}

/** The redirect back: checks what came, trades the code for tokens, verifies them, calls userinfo. */
export async function authorizationResponse(run: Run, ctx: FlowContext, received: ReceivedCallback): Promise<void> {
  const { query } = received;
  for (const [name, value] of received.headers) if (name.toLowerCase() === 'cookie') run.secrets.add(value);
  if (query.code) run.secrets.add(query.code);
  run.exchanges.push({
    channel: 'front-channel',
    ...STEPS.authorizationResponse,
    at: new Date().toISOString(),
    request: { method: 'GET', url: received.url, headers: received.headers, body: '' },
    note: `Received by the playground as your browser followed Tessera's redirect. The state matched the one this run sent${query.iss ? '' : '; no iss parameter came'}.`,
    jwts: [],
  });
  run.state = undefined; // a state is good for one response
  // RFC 9207 §2.4: an authorization response from another issuer is a mix-up; stop.
  if (query.iss !== undefined && query.iss !== ctx.issuer)
    return fail(run, `The response names issuer ${query.iss}, not ${ctx.issuer}: stopped (RFC 9207 §2.4).`);
  if (query.error) return fail(run, `Tessera answered ${query.error}${query.error_description ? `: ${query.error_description}` : ''}.`);
  if (!query.code) return fail(run, 'The response carried neither a code nor an error.');

  const { exchange, json } = await tokenRequest(run, ctx, STEPS.codeExchange, {
    grant_type: 'authorization_code',
    code: query.code,
    redirect_uri: ctx.client.redirectUri,
    code_verifier: run.codeVerifier ?? '',
  });
  if (exchange.response?.status !== 200) return fail(run, `The token request failed: ${describeError(json, exchange)}.`);
  const idToken = exchange.jwts.find((jwt) => jwt.name === 'id_token');
  const nonceOk = idToken?.claims.nonce === run.nonce;
  if (run.tokens.access_token) {
    await backChannel(
      run,
      STEPS.userinfo,
      buildRequest('GET', `${run.base}/userinfo`, [['Authorization', `Bearer ${run.tokens.access_token}`]]),
    );
  }
  run.succeeded = true;
  run.status = `Signed in: tokens issued${idToken ? `, the ID token's nonce ${nonceOk ? 'matches' : 'does NOT match'} the one sent` : ''}${
    run.tokens.refresh_token ? '. Use the refresh token below.' : '.'
  }`;
}

export async function refresh(run: Run, ctx: FlowContext): Promise<void> {
  if (!run.tokens.refresh_token) return fail(run, 'There is no refresh token to use.');
  const { exchange, json } = await tokenRequest(run, ctx, STEPS.refresh, {
    grant_type: 'refresh_token',
    refresh_token: run.tokens.refresh_token,
  });
  if (exchange.response?.status !== 200) return fail(run, `The refresh failed: ${describeError(json, exchange)}.`);
  run.succeeded = true;
  run.status = 'Refreshed: a new access token and a new (rotated) refresh token were issued.';
}

// --- Client credentials ------------------------------------------------------------------------

export async function clientCredentials(run: Run, ctx: FlowContext): Promise<void> {
  const { exchange, json } = await tokenRequest(run, ctx, STEPS.clientCredentials, { grant_type: 'client_credentials' });
  if (exchange.response?.status !== 200) return fail(run, `The token request failed: ${describeError(json, exchange)}.`);
  run.succeeded = true;
  run.status = 'Access token issued to the client itself (no user, so no ID token and no refresh token).';
}

// --- Device authorization ------------------------------------------------------------------------

export async function deviceAuthorization(run: Run, ctx: FlowContext, nowSeconds: number): Promise<void> {
  const { exchange, json } = await backChannel(
    run,
    STEPS.deviceAuthorization,
    authenticatedPost(run, ctx, '/device/auth', { scope: DEVICE_SCOPE }),
  );
  if (exchange.response?.status !== 200 || !json || typeof json.device_code !== 'string') {
    return fail(run, `The device authorization request failed: ${describeError(json, exchange)}.`);
  }
  run.secrets.add(json.device_code);
  run.device = {
    deviceCode: json.device_code,
    userCode: String(json.user_code),
    verificationUri: String(json.verification_uri),
    verificationUriComplete: String(json.verification_uri_complete),
    interval: typeof json.interval === 'number' ? json.interval : 5,
    expiresAt: nowSeconds + (typeof json.expires_in === 'number' ? json.expires_in : 600),
    polls: 0,
    done: false,
  };
  run.status = 'Waiting for the person to enter the user code and allow access (the device polls meanwhile).';
}

/** One poll of the token endpoint; sets `device.done` when the flow has ended either way. */
export async function pollDevice(run: Run, ctx: FlowContext): Promise<void> {
  const device = run.device;
  if (!device || device.done) return;
  device.polls++;
  const { exchange, json } = await tokenRequest(run, ctx, STEPS.devicePoll, {
    grant_type: GRANT_DEVICE_CODE,
    device_code: device.deviceCode,
  });
  const error = typeof json?.error === 'string' ? json.error : undefined;
  if (exchange.response?.status === 200) {
    device.done = true;
    run.succeeded = true;
    run.status = `Approved: tokens issued after ${device.polls} polls.`;
  } else if (error === 'authorization_pending' || error === 'slow_down') {
    if (error === 'slow_down') device.interval += 5; // RFC 8628 §3.5
    run.status = `Waiting for approval: polled ${device.polls} times, the last answer was ${error}.`;
  } else {
    device.done = true;
    fail(run, `The device flow ended: ${describeError(json, exchange)}.`);
  }
}
