import * as client from 'openid-client';
import type { Connector, FlowChecks, UpstreamTokens } from './connector.js';
import type { ConnectorSettings } from './connector-settings.js';
import { classifyUpstreamFailure } from './classify-upstream-failure.js';
import { mapIdentity } from './map-identity.js';
import type { UpstreamFetch } from './upstream-fetch.js';

/** RFC 8176 values Tessera's own sessions know; an upstream's others are not repeated. */
const KNOWN_AMR = new Set(['pwd', 'otp', 'hwk', 'swk', 'user', 'mfa', 'pin', 'fpt', 'face', 'sms', 'kba']);

/**
 * An OpenID Connect upstream, through openid-client (the certified relying-party library):
 * discovery from the issuer (cached; tried again after a failure), the authorization code flow
 * with PKCE, state and nonce, and the ID token validated (issuer, audience, signature through
 * the upstream's JWKS, expiry, nonce). Userinfo adds what the ID token left out.
 */
export function oidcConnector(settings: ConnectorSettings, clientSecret: string | undefined, fetch: UpstreamFetch): Connector {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= discover(settings, clientSecret, fetch).catch((err: unknown) => {
      discovered = undefined;
      throw classifyUpstreamFailure(err);
    });
    return discovered;
  };

  return {
    settings,
    async begin(redirectUri) {
      const config = await configuration();
      const checks: FlowChecks = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes.join(' '),
        state: checks.state,
        nonce: checks.nonce!,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },
    async finish(callbackUrl, redirectUri, checks) {
      const config = await configuration();
      try {
        // openid-client takes the redirect URI from the URL it is given: the one registered, with the callback's parameters.
        const current = new URL(redirectUri);
        current.search = callbackUrl.search;
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims()!;
        let claims: Record<string, unknown> = { ...idClaims };
        if (settings.userinfo && config.serverMetadata().userinfo_endpoint) {
          // OIDC Core §5.3.2: userinfo's sub must be the ID token's, which fetchUserInfo checks.
          const userinfo = await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
          claims = { ...userinfo, ...idClaims };
        }
        const upstreamAmr = Array.isArray(idClaims.amr)
          ? idClaims.amr.filter((m): m is string => typeof m === 'string' && KNOWN_AMR.has(m))
          : [];
        const amr = settings.upstreamAmr && upstreamAmr.length > 0 ? upstreamAmr : ['fed'];
        return { identity: mapIdentity(settings.id, claims, settings.claims, { amr }), tokens: keptTokens(tokens) };
      } catch (err) {
        throw classifyUpstreamFailure(err);
      }
    },
  };
}

async function discover(
  settings: ConnectorSettings,
  clientSecret: string | undefined,
  fetch: UpstreamFetch,
): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer!);
  // Plain http only when the operator configured an http issuer (a test, or an internal upstream the outbound rules allow).
  const insecure = issuer.protocol === 'http:';
  // client_secret_basic: RFC 8414 §2's default, offered by Google, Entra, GitLab and Tessera. The Configuration is
  // discovery's own, so openid-client's handling of Entra's multi-tenant issuer ({tenantid}) stays in place.
  return client.discovery(
    issuer,
    settings.clientId,
    undefined,
    clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret),
    {
      [client.customFetch]: fetch,
      execute: insecure ? [client.allowInsecureRequests] : [],
    },
  );
}

export function keptTokens(tokens: client.TokenEndpointResponse): UpstreamTokens {
  return {
    access_token: tokens.access_token,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    ...(tokens.id_token ? { id_token: tokens.id_token } : {}),
    ...(typeof tokens.expires_in === 'number' ? { expires_at: Math.floor(Date.now() / 1000) + tokens.expires_in } : {}),
    ...(tokens.scope ? { scope: tokens.scope } : {}),
  };
}
