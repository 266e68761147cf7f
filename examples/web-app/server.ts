/**
 * A web application that signs people in with Tessera: the authorization code flow with PKCE,
 * state and nonce (openid-client), a page with the ID token's claims and userinfo, and sign-out
 * through the provider's end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0).
 *
 *   npx tsx examples/web-app/server.ts      # against `npm start`, as its demo client web_application
 *
 * Settings (environment): TESSERA_ISSUER (http://localhost:3000), CLIENT_ID (web_application),
 * CLIENT_SECRET (bar), APP_URL (http://localhost:8080: the app's own public URL; the client must
 * have APP_URL/callback as a redirect URI and APP_URL/ as a post-logout redirect URI), PORT
 * (default: the port of APP_URL) and HOST (localhost).
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import * as oidc from 'openid-client';
import { errorPage, signedInPage, signedOutPage } from './pages.js';

const issuer = process.env.TESSERA_ISSUER ?? 'http://localhost:3000';
const clientId = process.env.CLIENT_ID ?? 'web_application';
const clientSecret = process.env.CLIENT_SECRET ?? 'bar';
const appUrl = (process.env.APP_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const port = Number(process.env.PORT || new URL(appUrl).port || 80);
const redirectUri = `${appUrl}/callback`;

/** What the app remembers per browser: the sign-in in progress, then the signed-in person. */
interface Session {
  pending?: { state: string; nonce: string; codeVerifier: string };
  signedIn?: { idToken: string; claims: Record<string, unknown>; userinfo: Record<string, unknown> };
}
const sessions = new Map<string, Session>(); // in memory: one process, lost on restart
const SESSION_COOKIE = 'example_session';

function sessionOf(request: FastifyRequest, reply: FastifyReply): Session {
  let id = request.cookies[SESSION_COOKIE];
  if (!id || !sessions.has(id)) {
    id = randomBytes(32).toString('base64url');
    sessions.set(id, {});
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: appUrl.startsWith('https:') });
  }
  return sessions.get(id)!;
}

// Discovery: the endpoints and keys come from /.well-known/openid-configuration. openid-client
// sends the secret as client_secret_post, which is how the demo client is registered.
const config = await oidc.discovery(new URL(issuer), clientId, clientSecret, oidc.ClientSecretPost(clientSecret), {
  execute: issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
});

const app = Fastify();
await app.register(fastifyCookie);
// The sign-out button posts an empty form; the app reads nothing from it.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));

app.get('/', async (request, reply) => {
  const { signedIn } = sessionOf(request, reply);
  reply.type('text/html');
  return signedIn ? signedInPage(signedIn.claims, signedIn.userinfo) : signedOutPage(issuer);
});

// Step 1: send the browser to the authorization endpoint with a fresh PKCE pair (RFC 7636),
// state (RFC 6749 §10.12) and nonce (OIDC Core §3.1.2.1), all kept in the session.
app.get('/login', async (request, reply) => {
  const session = sessionOf(request, reply);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  session.pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state: session.pending.state,
    nonce: session.pending.nonce,
  });
  return reply.redirect(url.href, 303);
});

// Step 2: the provider sends the browser back with a code. openid-client checks state and iss
// (RFC 9207), exchanges the code with the verifier, and checks the ID token and its nonce.
app.get('/callback', async (request, reply) => {
  const session = sessionOf(request, reply);
  const pending = session.pending;
  session.pending = undefined; // one attempt per sign-in
  if (!pending) return reply.code(400).type('text/html').send(errorPage('No sign-in is in progress in this browser.'));
  try {
    const currentUrl = new URL(request.url, appUrl);
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    session.signedIn = { idToken: tokens.id_token!, claims, userinfo };
    return reply.redirect('/', 303);
  } catch (err) {
    // The provider's error (access_denied, ...), or why openid-client refused the answer.
    const message =
      err instanceof oidc.AuthorizationResponseError
        ? `${err.error}: ${err.error_description ?? ''}`
        : [err, err instanceof Error ? err.cause : undefined]
            .filter((e): e is Error => e instanceof Error)
            .map((e) => e.message)
            .join(': ');
    return reply.code(400).type('text/html').send(errorPage(message));
  }
});

// Sign-out: forget the person here, then let the provider end its session too and send the
// browser back to the app (the post-logout redirect URI must be registered for the client).
app.post('/logout', async (request, reply) => {
  const session = sessionOf(request, reply);
  const idToken = session.signedIn?.idToken;
  session.signedIn = undefined;
  if (!idToken) return reply.redirect('/', 303);
  const url = oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${appUrl}/` });
  return reply.redirect(url.href, 303);
});

await app.listen({ port, host: process.env.HOST ?? 'localhost' });
console.log(`example web app: ${appUrl}/ (signs in with ${issuer} as ${clientId})`);
