import * as client from 'openid-client';
import type { Connector, FlowChecks } from './connector.js';
import type { ConnectorSettings } from './connector-settings.js';
import { classifyUpstreamFailure } from './classify-upstream-failure.js';
import { keptTokens } from './oidc-connector.js';
import { mapIdentity } from './map-identity.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamFetch } from './upstream-fetch.js';

/**
 * A plain OAuth 2.0 upstream with a user API, GitHub style: no ID token; who signed in is what
 * `userUrl` answers with the access token, and the email is the verified primary address
 * `emailsUrl` lists (an email only `userUrl` gives counts as unverified). openid-client makes
 * the authorization request (state and PKCE) and the code exchange; the person's own data
 * comes through Tessera's outbound rules like every upstream request.
 */
export function oauth2Connector(settings: ConnectorSettings, clientSecret: string, fetch: UpstreamFetch): Connector {
  const authorizationUrl = new URL(settings.authorizationUrl!);
  const server: client.ServerMetadata = {
    issuer: authorizationUrl.origin,
    authorization_endpoint: settings.authorizationUrl,
    token_endpoint: settings.tokenUrl,
  };
  // GitHub takes the client's credentials in the form (RFC 6749 §2.3.1 allows both).
  const config = new client.Configuration(server, settings.clientId, undefined, client.ClientSecretPost(clientSecret));
  config[client.customFetch] = fetch;
  if ([settings.authorizationUrl, settings.tokenUrl].some((url) => url!.startsWith('http:'))) client.allowInsecureRequests(config);

  return {
    settings,
    async begin(redirectUri) {
      const checks: FlowChecks = { state: client.randomState(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        ...(settings.scopes.length > 0 ? { scope: settings.scopes.join(' ') } : {}),
        state: checks.state,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },
    async finish(callbackUrl, redirectUri, checks) {
      let tokens: client.TokenEndpointResponse;
      try {
        const current = new URL(redirectUri);
        current.search = callbackUrl.search;
        tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
        });
      } catch (err) {
        throw classifyUpstreamFailure(err);
      }
      const user = await getJson(fetch, settings.userUrl!, tokens.access_token);
      if (!isObject(user)) throw new UpstreamError('unavailable', `${settings.userUrl} did not answer a JSON object`);
      const emails = settings.emailsUrl ? await getJson(fetch, settings.emailsUrl, tokens.access_token) : undefined;
      const primary = emails === undefined ? undefined : verifiedPrimaryEmail(emails);
      const claims = primary ? { ...user, [settings.claims.email || 'email']: primary } : user;
      const identity = mapIdentity(settings.id, claims, settings.claims, {
        amr: ['fed'],
        // With an emails endpoint, it alone vouches for the address; otherwise the mapped claim does (if mapped at all).
        emailVerified: settings.emailsUrl ? primary !== undefined : undefined,
      });
      return { identity, tokens: keptTokens(tokens) };
    },
  };
}

/** GitHub's /user/emails: [{ email, primary, verified }]. The primary address if verified, else the first verified one. */
function verifiedPrimaryEmail(list: unknown): string | undefined {
  if (!Array.isArray(list)) throw new UpstreamError('unavailable', 'the emails endpoint did not answer a list');
  const verified = list.filter(
    (e): e is { email: string; primary?: unknown } => isObject(e) && e.verified === true && typeof e.email === 'string',
  );
  return (verified.find((e) => e.primary === true) ?? verified[0])?.email;
}

async function getJson(fetch: UpstreamFetch, url: string, accessToken: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'GET',
      // GitHub's API refuses requests without a User-Agent.
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'Tessera' },
    });
  } catch (err) {
    throw classifyUpstreamFailure(err);
  }
  if (response.status === 401 || response.status === 403)
    throw new UpstreamError('invalid', `${url} refused the access token (${response.status})`);
  if (response.status !== 200) throw new UpstreamError('unavailable', `${url} answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new UpstreamError('unavailable', `${url} did not answer JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
