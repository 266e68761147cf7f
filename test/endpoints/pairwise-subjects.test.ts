import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse, CookieJar, DEFAULT_USER } from '../support/browser-less.js';
import { pkcePair } from '../support/issue-code.js';
import { InvalidClientMetadata } from '../../src/protocol/oauth-errors.js';
import { GRANT_DEVICE_CODE } from '../../src/clients/client.js';
import { approveDirectly, poll, startDeviceFlow } from '../support/device-fixtures.js';

/**
 * OIDC Core §8: pairwise subject identifiers, driven over HTTP. The relying parties' own
 * server (sector_identifier_uri documents, back-channel logout receiver) listens on loopback,
 * which outbound.allowedHosts trusts, as the jwks_uri and back-channel logout suites do.
 */
class RelyingPartySite {
  private server!: Server;
  url = '';
  readonly documents = new Map<string, { status: number; body: string }>();
  readonly logoutTokens: string[] = [];
  private waiting: ((token: string) => void)[] = [];

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.method === 'POST') {
          const token = new URLSearchParams(Buffer.concat(chunks).toString()).get('logout_token') ?? '';
          this.logoutTokens.push(token);
          this.waiting.shift()?.(token);
          return response.writeHead(200).end();
        }
        const doc = this.documents.get(request.url ?? '') ?? { status: 404, body: 'not found' };
        response.writeHead(doc.status, { 'content-type': 'application/json' }).end(doc.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  nextLogoutToken(): Promise<string> {
    const seen = this.logoutTokens.shift();
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const SECRET = 'pairwise-secret-pairwise-secret-0123';
const base = {
  client_secret: SECRET,
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'openid email offline_access',
};

for (const database of DATABASES) {
  describe(`pairwise subject identifiers (${database})`, () => {
    const site = new RelyingPartySite();
    let server: TestServer;
    let alpha: Record<string, unknown>;
    let beta: Record<string, unknown>;
    let gamma: Record<string, unknown>;
    const open = { ...base, client_id: 'open-rp', redirect_uris: ['https://open.example/cb'] };

    before(async () => {
      await site.start();
      site.documents.set('/sector.json', { status: 200, body: JSON.stringify(['https://alpha.example/cb', 'https://beta.example/cb']) });
      // Two clients of one sector (their shared sector_identifier_uri), one of its own (its redirect host).
      alpha = {
        ...base,
        client_id: 'alpha',
        redirect_uris: ['https://alpha.example/cb'],
        subject_type: 'pairwise',
        sector_identifier_uri: `${site.url}/sector.json`,
        access_token_format: 'opaque',
        backchannel_logout_uri: `${site.url}/backchannel`,
      };
      beta = { ...alpha, client_id: 'beta', redirect_uris: ['https://beta.example/cb'], access_token_format: 'jwt' };
      delete beta.backchannel_logout_uri;
      gamma = { ...base, client_id: 'gamma', redirect_uris: ['https://gamma.example/cb'], subject_type: 'pairwise' };
      // A device without redirect URIs names its sector: alpha and beta's.
      const tv = {
        client_id: 'tv',
        grant_types: [GRANT_DEVICE_CODE],
        response_types: [],
        token_endpoint_auth_method: 'none',
        subject_type: 'pairwise',
        sector_identifier_uri: `${site.url}/sector.json`,
      };
      server = await startTestServer({
        database,
        config: { clients: [alpha, beta, gamma, open, tv], users: [DEFAULT_USER], outbound: { allowedHosts: ['127.0.0.1'] } },
      });
    });
    after(async () => {
      await server.close();
      await site.stop();
    });

    const userId = async () => (await server.services.users.findByUsername(DEFAULT_USER.username))!.id;

    /** openid-client's code flow: it checks the ID token, and userinfo's sub against it (OIDC Core §5.3.2). */
    const signIn = async (rp: Record<string, unknown>, jar = new CookieJar()) => {
      const config = await client.discovery(new URL(server.url), rp.client_id as string, undefined, client.ClientSecretPost(SECRET), {
        execute: [client.allowInsecureRequests],
      });
      const verifier = client.randomPKCECodeVerifier();
      const redirectUri = (rp.redirect_uris as string[])[0];
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email offline_access',
        prompt: 'consent',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'st',
      });
      const result = await authorize(server.url, Object.fromEntries(url.searchParams), { jar });
      const tokens = await client.authorizationCodeGrant(config, new URL(result.location), {
        pkceCodeVerifier: verifier,
        expectedState: 'st',
        idTokenExpected: true,
      });
      const sub = tokens.claims()!.sub;
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);
      return { config, tokens, sub, userinfo, jar };
    };

    it('gives clients of one sector the same sub, other sectors another, and never the user id', async () => {
      const id = await userId();
      const a = await signIn(alpha);
      const b = await signIn(beta, a.jar);
      const c = await signIn(gamma, a.jar);
      const o = await signIn(open, a.jar);
      assert.equal(o.sub, id, 'a public client sees the user id');
      assert.equal(a.sub, b.sub, 'one sector_identifier_uri: one sub');
      assert.notEqual(a.sub, c.sub, 'another sector: another sub');
      for (const sub of [a.sub, c.sub]) {
        assert.notEqual(sub, id);
        assert.match(sub, /^[A-Za-z0-9_-]{43}$/);
      }
      // Stable: the next sign-in of the same client gets the same value.
      assert.equal((await signIn(gamma, a.jar)).sub, c.sub);
      assert.equal(a.userinfo.email, DEFAULT_USER.claims.email);
    });

    it('gives the device flow the sub of its sector', async () => {
      const a = await signIn(alpha);
      const started = await startDeviceFlow(server.url, 'tv', 'openid');
      await approveDirectly(server.services, started.user_code);
      const tokens = await poll(server.url, started.device_code, 'tv');
      assert.equal(tokens.status, 200);
      assert.equal(decodeJwt(tokens.body.id_token as string).sub, a.sub);
      assert.equal(decodeJwt(tokens.body.access_token as string).sub, a.sub);
    });

    it('is the same sub in the ID token, userinfo, the JWT access token and introspection', async () => {
      const b = await signIn(beta);
      assert.equal(b.userinfo.sub, b.sub);
      assert.equal(decodeJwt(b.tokens.access_token).sub, b.sub, 'RFC 9068 sub');
      const introspected = await client.tokenIntrospection(b.config, b.tokens.access_token);
      assert.equal(introspected.active, true);
      assert.equal(introspected.sub, b.sub);
      // The account name would tie this sub to the other sectors': not given for a pairwise client's token.
      assert.equal(introspected.username, undefined);
      const refresh = await client.tokenIntrospection(b.config, b.tokens.refresh_token!);
      assert.equal(refresh.sub, b.sub);
      // Refreshed tokens keep it.
      const refreshed = await client.refreshTokenGrant(b.config, b.tokens.refresh_token!);
      assert.equal(refreshed.claims()!.sub, b.sub);
    });

    it('maps opaque access tokens too (introspection and userinfo)', async () => {
      const a = await signIn(alpha);
      assert.equal(a.tokens.access_token.split('.').length, 1, 'alpha has opaque access tokens');
      assert.equal(a.userinfo.sub, a.sub);
      const introspected = await client.tokenIntrospection(a.config, a.tokens.access_token);
      assert.equal(introspected.sub, a.sub);
    });

    const promptNone = async (jar: CookieJar, rp: Record<string, unknown>, extra: Record<string, string>) => {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: rp.client_id as string,
        redirect_uri: (rp.redirect_uris as string[])[0],
        scope: 'openid',
        prompt: 'none',
        state: 'st',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        ...extra,
      });
      const response = await browse(jar, `${server.url}/auth?${query}`);
      const location = new URL(response.headers.get('location') ?? '', server.url);
      return location.searchParams.get('error') ?? (location.searchParams.get('code') ? 'code' : `no redirect (${response.status})`);
    };

    it('reads id_token_hint and claims sub in the client sector at /auth', async () => {
      const c = await signIn(gamma);
      const idToken = c.tokens.id_token!;
      assert.equal(await promptNone(c.jar, gamma, { id_token_hint: idToken }), 'code');
      const named = (sub: string) => JSON.stringify({ id_token: { sub: { value: sub } } });
      assert.equal(await promptNone(c.jar, gamma, { claims: named(c.sub) }), 'code');
      // The user id itself is not how this client knows the person: another user, so no answer.
      assert.equal(await promptNone(c.jar, gamma, { claims: named(await userId()) }), 'login_required');
      assert.equal(await promptNone(c.jar, gamma, { id_token_hint: idToken, claims: named(await userId()) }), 'login_required');
    });

    it('puts the client sub in back-channel logout tokens', async () => {
      const a = await signIn(alpha);
      const response = await browse(a.jar, `${server.url}/session/end?id_token_hint=${a.tokens.id_token}`);
      assert.equal(response.status, 303);
      const claims = decodeJwt(await site.nextLogoutToken());
      assert.equal(claims.sub, a.sub);
      assert.equal(claims.aud, 'alpha');
    });

    it('refuses a pairwise client whose sector is unclear or whose sector document does not list its redirect URIs', async () => {
      const save = (metadata: Record<string, unknown>) => server.services.clients.save({ ...base, ...metadata }, 'cli');
      const refused = async (metadata: Record<string, unknown>, pattern: RegExp) =>
        assert.rejects(save(metadata), (err: unknown) => err instanceof InvalidClientMetadata && pattern.test(err.description));
      // OIDC Core §8.1: several redirect hosts need a sector_identifier_uri.
      await refused(
        { client_id: 'two-hosts', subject_type: 'pairwise', redirect_uris: ['https://one.example/cb', 'https://two.example/cb'] },
        /sector_identifier_uri/,
      );
      const withSector = (path: string, redirect = 'https://alpha.example/cb') => ({
        client_id: 'sectored',
        subject_type: 'pairwise',
        redirect_uris: [redirect],
        sector_identifier_uri: `${site.url}${path}`,
      });
      await refused(withSector('/sector.json', 'https://elsewhere.example/cb'), /does not list .*elsewhere/);
      site.documents.set('/object.json', { status: 200, body: JSON.stringify({ redirect_uris: ['https://alpha.example/cb'] }) });
      await refused(withSector('/object.json'), /JSON array/);
      site.documents.set('/broken.json', { status: 200, body: '[' });
      await refused(withSector('/broken.json'), /could not be fetched/);
      await refused(withSector('/missing.json'), /answered 404/);
      // The registered list may hold more URIs than this client's.
      const saved = await save(withSector('/sector.json'));
      assert.equal(saved.client.metadata.subject_type, 'pairwise');
    });

    it('registers pairwise clients dynamically, and refuses a sector_identifier_uri it would fetch over plain http', async () => {
      const register = (metadata: Record<string, unknown>) =>
        fetch(`${server.url}/reg`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${initialToken}` },
          body: JSON.stringify({ redirect_uris: ['https://reg.example/cb'], ...metadata }),
        });
      const initialToken = (await server.services.initialAccessTokens.issue()).token;
      const ok = await register({ subject_type: 'pairwise' });
      assert.equal(ok.status, 201);
      assert.equal(((await ok.json()) as Record<string, unknown>).subject_type, 'pairwise');
      const plain = await register({ subject_type: 'pairwise', sector_identifier_uri: `${site.url}/sector.json` });
      assert.equal(plain.status, 400);
      assert.equal(((await plain.json()) as Record<string, unknown>).error, 'invalid_client_metadata');
      const unknown = await register({ subject_type: 'secret' });
      assert.equal(((await unknown.json()) as Record<string, unknown>).error, 'invalid_client_metadata');
    });
  });
}

describe('pairwise subject identifiers switched off', () => {
  it('refuses pairwise clients at startup and in discovery', async () => {
    const server = await startTestServer({ config: { subjects: { pairwise: false } }, listen: false });
    try {
      const save = server.services.clients.save(
        { ...base, client_id: 'pw', redirect_uris: ['https://pw.example/cb'], subject_type: 'pairwise' },
        'cli',
      );
      await assert.rejects(save, /subjects\.pairwise/);
    } finally {
      await server.close();
    }
  });
});
