import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { Attribute, Change } from 'ldapts';
import { TOTP } from 'otpauth';
import { DATABASES } from '../../support/databases.js';
import { startTestServer, type TestServer } from '../../support/test-provider.js';
import { authorize, browse, CookieJar, parseForms, signInWithForm } from '../../support/browser-less.js';
import { GROUPS_DN, PEOPLE, PEOPLE_DN, READER, startLdapServer, type LdapServer } from '../../support/ldap-server.js';

const WRONG = 'That username and password do not match. Please try again.';
const LOCAL = { username: 'erin', password: 'erin-local-password', claims: { name: 'Erin Local' } };
const APP = {
  client_id: 'ldap-app',
  client_secret: 'ldap-app-secret-ldap-app-secret',
  redirect_uris: ['https://rp.example/cb'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  scope: 'openid profile email groups',
};

/** The corporate directory as a connector: search as the reader, groups, the disabled marker. */
const corp = (ldap: LdapServer, overrides: Record<string, unknown> = {}) => ({
  id: 'corp',
  type: 'ldap',
  name: 'Corp directory',
  url: ldap.url,
  startTls: true,
  ca: ldap.caPem,
  bindDn: READER.dn,
  bindPassword: READER.password,
  userSearch: { baseDn: PEOPLE_DN, filter: '(&(objectClass=inetOrgPerson)(uid={{username}}))' },
  groupSearch: { baseDn: GROUPS_DN, filter: '(member={{dn}})', nameAttribute: 'cn' },
  disabledFilter: '(employeeType=disabled)',
  emailVerified: true,
  timeout: 3,
  ...overrides,
});

for (const database of DATABASES) {
  describe(`sign-in through an LDAP directory (${database})`, () => {
    let ldap: LdapServer;
    let server: TestServer;

    before(async () => {
      ldap = await startLdapServer();
      server = await startTestServer({
        database,
        config: {
          users: [LOCAL],
          clients: [APP],
          connectors: [corp(ldap)],
          signIn: { maxFailuresPerAccountAndAddress: 3 },
        },
      });
    });
    after(async () => {
      await server?.close();
      await ldap?.stop();
    });

    /** The sign-in form's answer: its status and error text, or where it sent the browser. */
    const submit = async (username: string, password: string, jar = new CookieJar()) => {
      const { response } = await signInWithForm(server.url, username, password, jar);
      const html = response.status === 303 ? '' : await response.text();
      const error = /<div class="alert" role="alert">([^<]*)</.exec(html)?.[1]?.replace(/&#39;/g, "'");
      return { status: response.status, location: response.headers.get('location'), error, jar };
    };
    const userCount = async () => (await server.services.users.list()).length;

    /** openid-client's authorization code flow, signing in on the way with these credentials. */
    const signInToApp = async (username: string, password: string) => {
      const config = await client.discovery(new URL(server.url), APP.client_id, undefined, client.ClientSecretBasic(APP.client_secret), {
        execute: [client.allowInsecureRequests],
      });
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: APP.redirect_uris[0],
        scope: 'openid profile email groups',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      const result = await authorize(server.url, Object.fromEntries(url.searchParams), { username, password });
      const tokens = await client.authorizationCodeGrant(config, new URL(result.location), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const claims = tokens.claims()!;
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      return { claims, userinfo };
    };

    it('the directory password signs a new person in: created once, linked by entryUUID, groups in userinfo, amr pwd', async () => {
      const before = await userCount();
      const first = await signInToApp('alice', PEOPLE.alice.password);
      assert.deepEqual(first.claims.amr, ['pwd']);
      assert.equal(first.userinfo.preferred_username, 'alice');
      assert.equal(first.userinfo.email, PEOPLE.alice.mail);
      assert.equal(first.userinfo.email_verified, true);
      assert.equal(first.userinfo.name, PEOPLE.alice.name);
      assert.deepEqual(first.userinfo.groups, ['admins', 'developers']);
      assert.equal(await userCount(), before + 1);

      const again = await signInToApp('alice', PEOPLE.alice.password);
      assert.equal(again.claims.sub, first.claims.sub);
      assert.equal(await userCount(), before + 1, 'the second sign-in finds the link, it creates nobody');

      const user = (await server.services.users.findByUsername('alice'))!;
      const entryUuid = await ldap.admin(async (admin) => {
        const { searchEntries } = await admin.search(PEOPLE.alice.dn, { scope: 'base', attributes: ['entryUUID'] });
        return String(searchEntries[0].entryUUID);
      });
      const link = await server.services.federatedIdentities.find('corp', entryUuid);
      assert.equal(link?.userId, user.id);
      assert.equal(await server.services.users.hasPassword(user.id), false, 'the directory keeps the password, Tessera none');
    });

    it('a wrong password, an unknown username and a policy-locked entry get the same answer; nobody is created', async () => {
      const before = await userCount();
      assert.deepEqual(await pick(submit('alice', 'not-her-password')), { status: 200, error: WRONG });
      assert.deepEqual(await pick(submit('mallory', 'any-password-at-all')), { status: 200, error: WRONG });
      assert.deepEqual(await pick(submit('dave', PEOPLE.dave.password)), { status: 200, error: WRONG });
      assert.deepEqual(await pick(submit('*)(uid=*', PEOPLE.alice.password)), { status: 200, error: WRONG });
      assert.deepEqual(await pick(submit('al*', PEOPLE.alice.password)), { status: 200, error: WRONG });
      assert.equal(await userCount(), before);
    });

    it('an entry the disabledFilter matches is told it is disabled, only with the right password', async () => {
      assert.deepEqual(await pick(submit('carol', 'wrong-password')), { status: 200, error: WRONG });
      const right = await submit('carol', PEOPLE.carol.password);
      assert.equal(right.status, 403);
      assert.match(right.error!, /disabled/);
      assert.equal(right.jar.get('tessera_session'), undefined);
    });

    it('directory failures count against the same throttling as local passwords', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await submit('bob', `wrong-${i}`)).status, 200);
      const refused = await submit('bob', PEOPLE.bob.password);
      assert.equal(refused.status, 429);
    });

    it('local users come first: a local account signs in with its own password, the directory never consulted', async () => {
      const signedIn = await submit(LOCAL.username, LOCAL.password);
      assert.equal(signedIn.status, 303);
    });

    it('a directory person whose username a local account has is refused, never linked to it', async () => {
      await ldap.admin((admin) =>
        admin.add(`uid=erin,${PEOPLE_DN}`, {
          objectClass: 'inetOrgPerson',
          uid: 'erin',
          cn: 'Erin Directory',
          sn: 'Directory',
          userPassword: 'erin-directory-password',
        }),
      );
      const refused = await submit('erin', 'erin-directory-password');
      assert.equal(refused.status, 403);
      assert.match(refused.error!, /already exists here/);
      const erin = (await server.services.users.findByUsername('erin'))!;
      assert.deepEqual(erin.claims, LOCAL.claims);
    });

    it('a second factor the person enrolled is still asked for after the directory password', async () => {
      assert.equal((await submit('alice', PEOPLE.alice.password)).status, 303);
      const user = (await server.services.users.findByUsername('alice'))!;
      const totp = server.services.mfa.totp!;
      const enrollment = (await totp.start(user.id, user.username))!;
      const code = new TOTP({ secret: enrollment.secret, digits: 6, period: 30 }).generate();
      assert.equal(await totp.check(user.id, code, 'pending'), 'ok');
      const next = await submit('alice', PEOPLE.alice.password);
      assert.equal(next.status, 303);
      assert.match(next.location!, /\/login\/second-factor/);
      assert.equal(next.jar.get('tessera_session'), undefined);
      await totp.remove(user.id);
    });

    it('a renamed uid and a changed mail keep the same Tessera user and sub; claims follow the directory', async () => {
      const first = await signInToApp('alice', PEOPLE.alice.password);
      await ldap.admin(async (admin) => {
        await admin.modify(PEOPLE.alice.dn, [
          new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['alice.liddell@example.org'] }) }),
        ]);
        // The old RDN value goes (deleteoldrdn): alice is now only uid=alicia.
        await admin.modifyDN(PEOPLE.alice.dn, 'uid=alicia');
        // Without the referential integrity overlay the groups keep the old DN: the operator moves alice in developers only.
        await admin.modify(`cn=developers,${GROUPS_DN}`, [
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'member', values: [PEOPLE.bob.dn, `uid=alicia,${PEOPLE_DN}`] }),
          }),
        ]);
      });
      const renamed = await signInToApp('alicia', PEOPLE.alice.password);
      assert.equal(renamed.claims.sub, first.claims.sub);
      assert.equal(renamed.userinfo.email, 'alice.liddell@example.org');
      assert.equal(renamed.userinfo.preferred_username, 'alicia');
      assert.deepEqual(renamed.userinfo.groups, ['developers'], 'the groups claim follows the directory: admins is gone');
    });
  });
}

describe('sign-in while the directory is down', () => {
  let server: TestServer;
  let ldap: LdapServer;
  before(async () => {
    ldap = await startLdapServer();
    const url = ldap.url;
    await ldap.stop();
    server = await startTestServer({
      config: {
        users: [LOCAL],
        connectors: [corp(ldap, { url, startTls: false, ca: undefined })],
        signIn: { maxFailuresPerAccountAndAddress: 2 },
      },
    });
  });
  after(() => server?.close());

  it('says the sign-in service is unavailable (503), signs nobody in, and still counts the attempt', async () => {
    const jar = new CookieJar();
    const page = await browse(jar, `${server.url}/login`);
    const form = parseForms(await page.text())[0];
    const response = await browse(jar, form.action, { form: { ...form.fields, login: 'alice', password: PEOPLE.alice.password } });
    assert.equal(response.status, 503);
    assert.match(await response.text(), /sign-in service is unavailable/);
    assert.equal(jar.get('tessera_session'), undefined);
    assert.equal((await server.services.users.list()).length, 1);

    // Local users still sign in; guesses at them are still counted while the directory is down.
    assert.equal((await signInWithForm(server.url, LOCAL.username, LOCAL.password)).response.status, 303);
    for (let i = 0; i < 2; i++) assert.equal((await signInWithForm(server.url, LOCAL.username, `wrong-${i}`)).response.status, 503);
    assert.equal((await signInWithForm(server.url, LOCAL.username, LOCAL.password)).response.status, 429);
  });
});

async function pick(result: Promise<{ status: number; error?: string }>) {
  const { status, error } = await result;
  return { status, error };
}
