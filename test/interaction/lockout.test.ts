import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { parseForms } from '../support/browser-less.js';

/** A browser at one client address, talking to the app in-process (so tests can choose the address). */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    readonly address: string,
  ) {}

  /** Posts the sign-in form; the HTTP status (303 signed in, 200 wrong password, 429 throttled). */
  async signIn(login: string, password: string): Promise<number> {
    const page = await this.request('GET', '/login?return_to=/x');
    const form = parseForms(page.body)[0];
    const response = await this.request('POST', '/login', new URLSearchParams({ ...form.fields, login, password }).toString());
    return response.statusCode;
  }

  private async request(method: 'GET' | 'POST', url: string, payload?: string) {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (payload) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await this.app.inject({ method, url, headers, payload, remoteAddress: this.address });
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }
}

const USERS = [
  { username: 'owner', password: 'owner-password' },
  { username: 'mallory', password: 'mallory-password' },
  { username: 'grace', password: 'grace-password' },
];

/**
 * Security review finding 4: five failures from any address refused the real password for
 * 15 minutes, so anyone could lock any account. Limits are now per (account, address), the
 * account as a whole only slows down, and the owner's known browser keeps its own allowance.
 */
for (const database of DATABASES) {
  describe(`a stranger cannot lock an account (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        listen: false,
        config: {
          users: USERS,
          signIn: { maxFailuresPerAccountAndAddress: 3, maxFailuresPerAddress: 50, maxFailuresPerAccount: 6, slowDownInterval: 600 },
        },
      });
    });
    after(() => server.close());

    it("the owner's browser signs in after a stranger's many failures from many addresses", async () => {
      const owner = new Browser(server.app, '10.1.0.1');
      assert.equal(await owner.signIn('owner', 'owner-password'), 303);
      assert.ok(owner.cookies.get('tessera_device'), 'a device cookie after the sign-in');

      const statuses: number[] = [];
      for (let from = 1; from <= 5; from++) {
        const stranger = new Browser(server.app, `10.2.0.${from}`);
        for (let i = 0; i < 4; i++) statuses.push(await stranger.signIn('owner', `guess-${from}-${i}`));
      }
      // Three checked guesses per address until the account slows down, then one per interval.
      assert.equal(statuses.filter((s) => s === 200).length, 7, statuses.join(' '));
      assert.equal(statuses.filter((s) => s === 429).length, 13, statuses.join(' '));

      assert.equal(await owner.signIn('owner', 'owner-password'), 303);
      // The same browser from another network (a laptop that moved) is still known.
      const moved = new Browser(server.app, '10.3.0.1');
      for (const [name, value] of owner.cookies) moved.cookies.set(name, value);
      assert.equal(await moved.signIn('owner', 'owner-password'), 303);
    });

    it('a device cookie from another account, or a forged one, counts as a stranger', async () => {
      const mallory = new Browser(server.app, '10.4.0.1');
      assert.equal(await mallory.signIn('mallory', 'mallory-password'), 303);
      for (let i = 0; i < 3; i++) assert.equal(await mallory.signIn('grace', `guess-${i}`), 200);
      assert.equal(await mallory.signIn('grace', 'grace-password'), 429);

      const forger = new Browser(server.app, '10.4.0.2');
      const [id, issued] = mallory.cookies.get('tessera_device')!.split('.');
      forger.cookies.set('tessera_device', `${id}.${issued}.${'A'.repeat(43)}`);
      for (let i = 0; i < 3; i++) assert.equal(await forger.signIn('grace', `guess-${i}`), 200);
      assert.equal(await forger.signIn('grace', 'grace-password'), 429);

      // grace herself, from a new browser elsewhere: the account is not locked.
      assert.equal(await new Browser(server.app, '10.4.0.3').signIn('grace', 'grace-password'), 303);
    });
  });
}
