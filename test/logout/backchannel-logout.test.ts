import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, DEFAULT_USER, parseForms, signInWithForm } from '../support/browser-less.js';
import { RP, logoutTestConfig, signInAndGetTokens } from '../support/logout-fixtures.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface Received {
  contentType: string | undefined;
  body: URLSearchParams;
  /** Whether the provider still holds this request open (it has not given up on it). */
  open: () => boolean;
}

/** The relying party's back-channel endpoint: records each POST and answers 200 (§2.8). */
class Receiver {
  private server!: Server;
  private waiting: ((r: Received) => void)[] = [];
  private consumed = 0;
  readonly received: Received[] = [];
  url = '';

  constructor(private readonly answer: 'ok' | 'hang' = 'ok') {}

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const received = {
          contentType: request.headers['content-type'],
          body: new URLSearchParams(Buffer.concat(chunks).toString()),
          open: () => !request.socket.destroyed,
        };
        this.received.push(received);
        const waiter = this.waiting.shift();
        if (waiter) {
          this.consumed++;
          waiter(received);
        }
        if (this.answer === 'ok') response.writeHead(200, { 'cache-control': 'no-store' }).end();
        // 'hang': never answers, like a client that is down behind a load balancer.
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/backchannel`;
  }

  /** The next request not yet returned by next(), waiting for it if needed. */
  next(): Promise<Received> {
    if (this.consumed < this.received.length) return Promise.resolve(this.received[this.consumed++]);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

for (const database of DATABASES) {
  describe(`back-channel logout (${database})`, () => {
    let server: TestServer;
    const receiver = new Receiver('ok');
    const dead = new Receiver('hang');
    const BC = {
      ...RP,
      client_id: 'bc-rp',
      client_name: 'Back-channel RP',
      redirect_uris: ['https://bc.example/cb'],
      post_logout_redirect_uris: ['https://bc.example/bye'],
    };
    const DEAD = { ...RP, client_id: 'dead-rp', redirect_uris: ['https://dead.example/cb'], post_logout_redirect_uris: [] as string[] };

    before(async () => {
      await receiver.start();
      await dead.start();
      server = await startTestServer({
        database,
        config: logoutTestConfig({
          clients: [
            RP,
            { ...BC, backchannel_logout_uri: receiver.url, backchannel_logout_session_required: true },
            { ...DEAD, backchannel_logout_uri: dead.url },
          ],
          // The receivers listen on loopback, which the outbound policy refuses unless allow-listed.
          outbound: { allowedHosts: ['127.0.0.1'] },
        }),
      });
    });
    after(async () => {
      await server.close();
      await receiver.stop();
      await dead.stop();
    });

    it('POSTs a logout token that verifies against /jwks and has every claim of §2.4', async () => {
      const signedIn = await signInAndGetTokens(server.url, BC);
      const query = new URLSearchParams({
        id_token_hint: signedIn.idToken,
        post_logout_redirect_uri: 'https://bc.example/bye',
        state: 'bc',
      });
      const response = await browse(signedIn.jar, `${server.url}/session/end?${query}`);
      // The browser goes back to the RP whatever the back channel does.
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), 'https://bc.example/bye?state=bc');

      const { contentType, body } = await receiver.next();
      assert.equal(contentType, 'application/x-www-form-urlencoded');
      assert.deepEqual([...body.keys()], ['logout_token'], 'logout_token is the only parameter');
      const token = body.get('logout_token')!;
      assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt');
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      const { payload } = await jwtVerify(token, jwks, { issuer: server.url, audience: 'bc-rp', typ: 'logout+jwt' });
      const now = Math.floor(Date.now() / 1000);
      assert.equal(typeof payload.iat, 'number');
      assert.ok(payload.iat! <= now + 300 && payload.iat! >= now - 86400, 'iat is recent');
      assert.ok(typeof payload.exp === 'number' && payload.exp > payload.iat! && payload.exp - payload.iat! <= 300, 'exp is short');
      assert.equal(typeof payload.jti, 'string');
      assert.ok((payload.jti as string).length >= 16);
      assert.deepEqual(payload.events, { [EVENT]: {} });
      const idToken = decodeJwt(signedIn.idToken);
      assert.equal(payload.sid, idToken.sid);
      assert.equal(typeof payload.sid, 'string');
      assert.equal(payload.sub, idToken.sub);
      assert.equal(payload.nonce, undefined, 'a logout token never carries a nonce');
    });

    it('notifies every client of the session that registered a back-channel URI, one token each', async () => {
      const signedIn = await signInAndGetTokens(server.url, BC);
      await signInAndGetTokens(server.url, RP, { jar: signedIn.jar });
      const before = receiver.received.length;
      await browse(signedIn.jar, `${server.url}/session/end?${new URLSearchParams({ id_token_hint: signedIn.idToken })}`);
      const { body } = await receiver.next();
      assert.equal(receiver.received.length, before + 1);
      const first = decodeJwt(body.get('logout_token')!);
      assert.equal(first.sid, signedIn.sid);
    });

    it('does not wait for a client that never answers', async () => {
      const signedIn = await signInAndGetTokens(server.url, DEAD);
      const pending = dead.next();
      const response = await browse(signedIn.jar, `${server.url}/session/end?${new URLSearchParams({ id_token_hint: signedIn.idToken })}`);
      assert.equal(response.status, 303);
      // The dead client did receive the request, and is still holding it while the person is signed out.
      const received = await pending;
      assert.ok(received.body.get('logout_token'));
      // Had the logout waited for this client, its attempts would have timed out and been closed by now.
      assert.equal(received.open(), true, 'the delivery is still in flight after the person got their answer');
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: DEAD.client_id,
        redirect_uri: DEAD.redirect_uris[0],
        scope: 'openid',
        prompt: 'none',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      });
      const prompt = await browse(signedIn.jar, `${server.url}/auth?${query}`);
      assert.equal(new URL(prompt.headers.get('location')!).searchParams.get('error'), 'login_required');
    });
    it('a password change on the account page ends the other sessions and tells their clients', { timeout: 20_000 }, async () => {
      const elsewhere = await signInAndGetTokens(server.url, BC);
      const sid = decodeJwt(elsewhere.idToken).sid;
      const { jar } = await signInWithForm(server.url);
      const page = await browse(jar, `${server.url}/account/password`);
      assert.equal(page.status, 200);
      const form = parseForms(await page.text()).find((f) => f.action.endsWith('/account/password'))!;
      const next = 'a-new-password-for-the-test';
      const changed = await browse(jar, form.action, {
        form: { ...form.fields, current_password: DEFAULT_USER.password, new_password: next, confirm_password: next },
      });
      assert.equal(changed.status, 200);
      try {
        const { body } = await receiver.next();
        const { payload } = await jwtVerify(body.get('logout_token')!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
          issuer: server.url,
          audience: 'bc-rp',
          typ: 'logout+jwt',
        });
        assert.equal(payload.sid, sid);
      } finally {
        await server.services.users.setPassword(DEFAULT_USER.username, DEFAULT_USER.password);
      }
    });
  });
}
