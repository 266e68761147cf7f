import * as oauth from 'oauth4webapi';
import { ADMIN_API_PATH, CONSOLE_CALLBACK_PATH, CONSOLE_CLIENT_ID, CONSOLE_SCOPES } from './console-client.js';
import type { Clock } from '../util/clock.js';
import type { ConsoleSession, PendingConsoleSignIn } from './console-cookies.js';

export interface ConsoleSignInOptions {
  issuer: string;
  /** How the console reaches Tessera's endpoints (in-process: see self-fetch.ts). */
  fetch: typeof fetch;
  clock: Clock;
}

/** How a finished sign-in ended: a console session, or a person who holds no admin role, or a refusal. */
export type SignInOutcome =
  { kind: 'signed-in'; session: ConsoleSession } | { kind: 'not-admin' } | { kind: 'refused'; error: string; description?: string };

/**
 * The console as a relying party of Tessera: authorization code with PKCE (RFC 7636) for the
 * public client `tessera-admin-console`, asking for the admin API as the resource (RFC 8707).
 * oauth4webapi does the protocol checks (state, issuer, PKCE, ID token claims and nonce).
 */
export class ConsoleSignIn {
  private server?: Promise<oauth.AuthorizationServer>;
  private readonly client: oauth.Client = { client_id: CONSOLE_CLIENT_ID };
  private readonly redirectUri: string;
  private readonly resource: string;

  constructor(private readonly options: ConsoleSignInOptions) {
    this.redirectUri = `${options.issuer}${CONSOLE_CALLBACK_PATH}`;
    this.resource = `${options.issuer}${ADMIN_API_PATH}`;
  }

  /** The authorization request to send the browser to, and what the callback must find again. */
  async start(returnTo: string): Promise<{ url: string; pending: Omit<PendingConsoleSignIn, 'expiresAt'> }> {
    const as = await this.authorizationServer();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? `${this.options.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope: CONSOLE_SCOPES.join(' '),
      resource: this.resource,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      // OIDC Core §5.5: the names the console's header shows, in the ID token itself.
      claims: JSON.stringify({ id_token: { name: null, preferred_username: null } }),
    }).toString();
    return { url: url.href, pending: { state, nonce, codeVerifier, returnTo } };
  }

  /** Checks the authorization response at the callback and redeems its code. */
  async finish(callbackUrl: URL, pending: PendingConsoleSignIn): Promise<SignInOutcome> {
    const as = await this.authorizationServer();
    let parameters: URLSearchParams;
    try {
      parameters = oauth.validateAuthResponse(as, this.client, callbackUrl, pending.state);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        // An admin-only scope refused to a person without the admin role (access_denied / invalid_scope).
        if (err.error === 'access_denied' || err.error === 'invalid_scope') return { kind: 'not-admin' };
        return { kind: 'refused', error: err.error, description: err.error_description };
      }
      return refusal(err);
    }
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      this.client,
      oauth.None(),
      parameters,
      this.redirectUri,
      pending.codeVerifier,
      { ...this.requestOptions(), additionalParameters: { resource: this.resource } },
    );
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await oauth.processAuthorizationCodeResponse(as, this.client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
    } catch (err) {
      if (err instanceof oauth.ResponseBodyError) return { kind: 'refused', error: err.error, description: err.error_description };
      return refusal(err);
    }
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    const displayName =
      [claims?.name, claims?.preferred_username, claims?.sub].find((v): v is string => typeof v === 'string' && v !== '') ?? '';
    const scopes = (tokens.scope ?? '').split(' ').filter(Boolean);
    if (!scopes.includes('admin:read')) return { kind: 'not-admin' };
    const expiresIn = tokens.expires_in ?? 300;
    return {
      kind: 'signed-in',
      session: { accessToken: tokens.access_token, expiresAt: this.options.clock.nowSeconds() + expiresIn, displayName, scopes },
    };
  }

  /** Discovery (OIDC Discovery §4), once per process. */
  private authorizationServer(): Promise<oauth.AuthorizationServer> {
    this.server ??= (async () => {
      const issuer = new URL(this.options.issuer);
      const response = await oauth.discoveryRequest(issuer, this.requestOptions());
      return oauth.processDiscoveryResponse(issuer, response);
    })();
    this.server.catch(() => (this.server = undefined));
    return this.server;
  }

  private requestOptions(): { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]: boolean } {
    return {
      [oauth.customFetch]: this.options.fetch,
      // A plain-http issuer (dev, tests) is reached in-process all the same.
      [oauth.allowInsecureRequests]: this.options.issuer.startsWith('http:'),
    };
  }
}

/** A response that fails oauth4webapi's checks (RFC 6749 §10.12 state, RFC 9207 iss, OIDC nonce): refused, never a 500. */
function refusal(err: unknown): SignInOutcome {
  if (err instanceof oauth.OperationProcessingError) return { kind: 'refused', error: 'invalid_request', description: err.message };
  throw err;
}
