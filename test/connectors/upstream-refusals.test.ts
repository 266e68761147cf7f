import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { CookieJar, browse, parseForms, signInWithForm } from '../support/browser-less.js';
import { startScriptedUpstream } from './support/scripted-upstream.js';

const SECRET = 'scripted-upstream-client-secret';

for (const database of DATABASES) {
  describe(`upstream answers that are refused, and linking (${database})`, () => {
    let upstream: Awaited<ReturnType<typeof startScriptedUpstream>>;
    let server: TestServer;

    before(async () => {
      upstream = await startScriptedUpstream('tessera', SECRET);
      server = await startTestServer({
        database,
        config: {
          outbound: { allowedHosts: ['127.0.0.1'] },
          users: [
            { username: 'grace', password: 'grace-password', claims: { email: 'Grace@Corp.example', email_verified: true } },
            { username: 'linus', password: 'linus-password', claims: { email: 'linus@corp.example', email_verified: true } },
          ],
          connectors: [
            { id: 'corp', type: 'oidc', issuer: upstream.issuer, clientId: 'tessera', clientSecret: SECRET, storeTokens: true },
            { id: 'closed', type: 'oidc', issuer: upstream.issuer, clientId: 'tessera', clientSecret: SECRET, provision: false },
          ],
        },
      });
    });
    after(async () => {
      await server?.close();
      await upstream?.close();
    });

    const userCount = async () => (await server.services.users.list()).length;

    /** Start here, pass the upstream (which approves at once), come back: the callback's answer. */
    const throughUpstream = async (
      jar: CookieJar,
      connector = 'corp',
      start = `${server.url}/connectors/${connector}/start`,
      form?: Record<string, string>,
    ) => {
      const started = await browse(jar, start, form ? { form } : {});
      assert.equal(started.status, 303, await started.clone().text());
      const atUpstream = await fetch(started.headers.get('location')!, { redirect: 'manual' });
      return browse(jar, atUpstream.headers.get('location')!);
    };

    it('an ID token for another audience is refused; nothing is provisioned, nobody signed in', async () => {
      const before = await userCount();
      upstream.answer({ sub: 'aud-1', audience: 'another-client' });
      const jar = new CookieJar();
      const answer = await throughUpstream(jar);
      assert.equal(answer.status, 400);
      const page = await answer.text();
      assert.match(page, /This sign-in cannot be completed/);
      // Refused by the ID token check here, not by the upstream (whose code would show).
      assert.match(page, /<code class="error-code">upstream_invalid<\/code>/);
      assert.equal(await userCount(), before);
      assert.equal(jar.get('tessera_session'), undefined);
      assert.equal(await server.services.federatedIdentities.find('corp', 'aud-1'), undefined);
    });

    it('an ID token with a wrong nonce is refused the same way', async () => {
      const before = await userCount();
      upstream.answer({ sub: 'nonce-1', nonce: 'not-the-one-sent' });
      const jar = new CookieJar();
      const answer = await throughUpstream(jar);
      assert.equal(answer.status, 400);
      assert.match(await answer.text(), /<code class="error-code">upstream_invalid<\/code>/);
      assert.equal(await userCount(), before);
      assert.equal(jar.get('tessera_session'), undefined);
    });

    it('a verified email of a local account is not linked: a page tells the person to sign in and link', async () => {
      const before = await userCount();
      upstream.answer({ sub: 'g-1', claims: { email: 'grace@corp.example', email_verified: true } });
      const answer = await throughUpstream(new CookieJar());
      assert.equal(answer.status, 403);
      assert.match(await answer.text(), /sign in to that account with its password first, then link corp on your account page/);
      assert.equal(await userCount(), before);
      assert.equal(await server.services.federatedIdentities.find('corp', 'g-1'), undefined);
    });

    it('a connector without provisioning refuses unlinked identities', async () => {
      const before = await userCount();
      upstream.answer({ sub: 'new-1' });
      const answer = await throughUpstream(new CookieJar(), 'closed');
      assert.equal(answer.status, 403);
      assert.match(await answer.text(), /does not create accounts by itself/);
      assert.equal(await userCount(), before);
    });

    it('the account owner links the identity after signing in, then signs in with it; the upstream tokens are kept sealed', async () => {
      const { jar } = await signInWithForm(server.url, 'grace', 'grace-password');
      const page = await browse(jar, `${server.url}/account/identities`);
      assert.equal(page.status, 200);
      const link = parseForms(await page.text()).find(
        (f) => f.action.endsWith('/account/identities/link') && f.fields.connector === 'corp',
      )!;
      upstream.answer({ sub: 'g-1', claims: { email: 'grace@corp.example', email_verified: true } });
      const linked = await throughUpstream(jar, 'corp', link.action, link.fields);
      assert.equal(linked.status, 303);
      assert.equal(linked.headers.get('location'), `${server.url}/account/identities?done=linked&connector=corp`);
      const grace = (await server.services.users.findByUsername('grace'))!;
      const record = await server.services.federatedIdentities.find('corp', 'g-1');
      assert.equal(record?.userId, grace.id);
      const tokens = JSON.parse(server.services.upstreamTokensBox.decrypt(record.tokensEncrypted!)) as Record<string, unknown>;
      assert.equal(typeof tokens.access_token, 'string');
      assert.ok(!record.tokensEncrypted!.includes(String(tokens.access_token)), 'sealed, not in the clear');
      const listed = await (await browse(jar, `${server.url}/account/identities?done=linked&connector=corp`)).text();
      assert.match(listed, /corp is now linked to your account/);

      // Now the upstream sign-in finds grace.
      const fresh = new CookieJar();
      const signedIn = await throughUpstream(fresh);
      assert.equal(signedIn.status, 200);
      assert.match(await signedIn.text(), /Signed in as <strong>grace<\/strong>/);
      assert.ok(fresh.get('tessera_session'));
    });

    it('an identity linked to someone else is not moved by another account’s link', async () => {
      const { jar } = await signInWithForm(server.url, 'linus', 'linus-password');
      const page = await browse(jar, `${server.url}/account/identities`);
      const link = parseForms(await page.text()).find((f) => f.fields.connector === 'corp')!;
      upstream.answer({ sub: 'g-1' });
      const refused = await throughUpstream(jar, 'corp', link.action, link.fields);
      assert.equal(refused.status, 409);
      assert.equal(
        (await server.services.federatedIdentities.find('corp', 'g-1'))?.userId,
        (await server.services.users.findByUsername('grace'))!.id,
      );
    });

    it('unlinks, but never the last way in of a user without password or passkey', async () => {
      // A user made by the upstream: the link is their only way in.
      upstream.answer({ sub: 'only-1', claims: { preferred_username: 'solo' } });
      const jar = new CookieJar();
      assert.equal((await throughUpstream(jar)).status, 200);
      const page = await (await browse(jar, `${server.url}/account/identities`)).text();
      const unlink = parseForms(page).find((f) => f.action.endsWith('/unlink'))!;
      assert.equal(unlink.fields.subject, 'only-1');
      const refused = await browse(jar, unlink.action, { form: unlink.fields });
      assert.equal(refused.status, 409);
      assert.match(await refused.text(), /This is your only way to sign in/);
      assert.ok(await server.services.federatedIdentities.find('corp', 'only-1'));

      // Grace has a password: her link can go; a second unlink finds nothing.
      const { jar: graceJar } = await signInWithForm(server.url, 'grace', 'grace-password');
      const gracePage = await (await browse(graceJar, `${server.url}/account/identities`)).text();
      const graceUnlink = parseForms(gracePage).find((f) => f.action.endsWith('/unlink'))!;
      const done = await browse(graceJar, graceUnlink.action, { form: graceUnlink.fields });
      assert.equal(done.status, 303);
      assert.equal(await server.services.federatedIdentities.find('corp', 'g-1'), undefined);
      const again = await browse(graceJar, graceUnlink.action, { form: graceUnlink.fields });
      assert.equal(again.status, 404);
      // Another user's link cannot be named in the form.
      const other = await browse(graceJar, graceUnlink.action, { form: { ...graceUnlink.fields, subject: 'only-1' } });
      assert.equal(other.status, 404);
      assert.ok(await server.services.federatedIdentities.find('corp', 'only-1'));
    });

    it('the account pages need a sign-in, and their forms CSRF protection', async () => {
      const anonymous = await browse(new CookieJar(), `${server.url}/account/identities`);
      assert.equal(anonymous.status, 303);
      const { jar } = await signInWithForm(server.url, 'linus', 'linus-password');
      const forged = await browse(jar, `${server.url}/account/identities/link`, { form: { connector: 'corp', csrf_token: 'forged' } });
      assert.equal(forged.status, 400);
    });
  });
}
